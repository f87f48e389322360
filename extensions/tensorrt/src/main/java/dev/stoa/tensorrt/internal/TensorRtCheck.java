package dev.stoa.tensorrt.internal;

import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

/**
 * The TensorRT half of the device check: prints one JSON object saying whether TensorRT is usable here (its version
 * and the GPU, or the reason it is not); where a graph is given, ONNX Runtime CPU's latency at each batch size (the
 * baseline, measured everywhere) and, where TensorRT is usable, for each precision: the engine's build (or cache)
 * time, the largest difference of its outputs from the reference outputs, and its latency at each batch size. The
 * reference is a case file's outputs, or else ONNX Runtime CPU's on the same random inputs.
 *
 * <pre>
 * java -cp 'lib/*:dev.stoa.api.jar:dev.stoa.tensorrt.jar' dev.stoa.tensorrt.internal.TensorRtCheck \
 *     --library-path /opt/tensorrt/lib:/opt/cuda13/lib \
 *     --onnx model.image.onnx --case case/case.properties --precision fp32,fp16 --batch 1,32 --runs 50
 * </pre>
 *
 * <p>A case file ({@code --case}) names raw little-endian tensors beside it: {@code input.<name> = <DATATYPE>
 * <d0,d1,...> <file>} for every input and {@code output.<name> = FP32 <shape> <file>} for the reference outputs of
 * those inputs. Without a case the inputs are random (FP32) or zeros (integers) at the batch sizes asked, and
 * TensorRT's outputs are compared with ONNX Runtime CPU's ({@code --onnxruntime false} skips ONNX Runtime). Exit status: 0 when the report is complete (TensorRT unavailable included),
 * 1 when an output differs beyond the tolerance (1e-3 in fp32, 1e-2 in fp16), 2 on an error (in the JSON's
 * {@code error}). Only the JSON goes to standard output; logging goes to standard error.
 */
public final class TensorRtCheck {

    static final double FP32_TOLERANCE = 1e-3;
    static final double FP16_TOLERANCE = 1e-2;

    private TensorRtCheck() {}

    public static void main(String[] args) {
        // stdout carries the JSON alone: anything else printing there (a logging backend's console) goes to stderr
        PrintStream out = System.out;
        System.setOut(System.err);
        Map<String, Object> report = new LinkedHashMap<>();
        int status;
        try {
            status = run(parse(args), report);
        } catch (Exception | LinkageError e) {
            report.put("error", e.toString());
            status = 2;
        }
        out.println(Json.write(report));
        out.flush();
        System.exit(status);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "arguments come as '--name value' pairs; '" + args[i] + "' has none");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    /** One way to run the graph: a TensorRT session or ONNX Runtime. */
    @FunctionalInterface
    interface Runner {
        Map<String, HostTensor> run(Map<String, HostTensor> inputs) throws Exception;
    }

    /**
     * @param options {@code library-path}, {@code cache}, {@code onnx}, {@code case}, {@code precision},
     *     {@code batch}, {@code runs}, {@code warmup}, {@code instances}, {@code device}, {@code onnxruntime}
     *     ({@code false} to skip ONNX Runtime)
     * @param report filled in
     * @return the exit status
     */
    static int run(Map<String, String> options, Map<String, Object> report) throws Exception {
        String libraryPath = options.getOrDefault("library-path", "");
        Path cache = Path.of(options.getOrDefault(
                "cache",
                Path.of(System.getProperty("java.io.tmpdir"), "stoa-tensorrt-cache")
                        .toString()));
        List<Integer> batches = ints(options.getOrDefault("batch", "1,32"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "50"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        Settings settings = new Settings(
                libraryPath,
                cache,
                Integer.parseInt(options.getOrDefault("instances", "1")),
                Integer.parseInt(options.getOrDefault("device", "0")),
                0);
        List<Path> folders = LibraryProbe.folders(libraryPath);
        report.put("check", "tensorrt");
        long loadStart = System.nanoTime();
        TensorRtEngine engine = new TensorRtEngine(settings, folders);
        boolean available = engine.unavailableReason().isEmpty();
        report.put("available", available);
        if (available) {
            Backend backend = engine.backend();
            report.put("tensorrt", backend.tensorRtVersion());
            report.put("device", backend.deviceName());
            report.put("computeCapability", backend.computeCapability());
            report.put("loadMs", (System.nanoTime() - loadStart) / 1_000_000);
        } else {
            report.put("reason", engine.unavailableReason().get());
            report.put("searched", folders.stream().map(Path::toString).toList());
        }
        String onnx = options.get("onnx");
        if (onnx == null) {
            report.put("note", "no --onnx given: TensorRT probed only");
            return 0;
        }
        Path graph = Path.of(onnx);
        Case reference = options.containsKey("case") ? Case.read(Path.of(options.get("case"))) : null;
        int maxBatch = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        if (reference != null) {
            maxBatch = Math.max(maxBatch, (int) reference.rows());
        }
        int status = 0;

        // ONNX Runtime on the CPU: the reference (without a case) and the baseline
        OrtReference ort = null;
        Map<String, Object> ortReport = new LinkedHashMap<>();
        if (!"false".equals(options.get("onnxruntime"))) {
            report.put("onnxruntimeCpu", ortReport);
            try {
                ort = new OrtReference(graph);
            } catch (Exception | LinkageError e) {
                ortReport.put("error", e.toString());
            }
        }
        try {
            Map<String, HostTensor> referenceInputs = null;
            Map<String, HostTensor> referenceOutputs = null;
            if (reference != null) {
                referenceInputs = reference.inputs();
                referenceOutputs = reference.outputs();
                report.put("reference", "case " + options.get("case"));
            } else if (ort != null) {
                try {
                    referenceInputs = synthetic(ort.inputs(), maxBatch);
                    referenceOutputs = ort.run(referenceInputs);
                    report.put("reference", "onnxruntime-cpu on random inputs, batch " + maxBatch);
                } catch (Exception e) {
                    ortReport.put("error", e.toString());
                    referenceInputs = null;
                    referenceOutputs = null;
                    status = 2;
                }
            }
            if (ort != null && !ortReport.containsKey("error")) {
                try {

                    OrtReference o = ort;
                    if (reference != null) {
                        Map<String, Object> diffs = compare(o.run(reference.inputs()), reference.outputs());
                        ortReport.put("maxAbsDiff", diffs);
                    }
                    Map<String, Object> latency = new LinkedHashMap<>();
                    for (int batch : batches) {
                        Map<String, HostTensor> inputs =
                                reference != null ? reference.atBatch(batch) : synthetic(o.inputs(), batch);
                        latency.put("batch" + batch, time(o::run, inputs, batch, warmup, runs));
                    }
                    ortReport.put("latency", latency);
                } catch (Exception e) {
                    ortReport.put("error", e.toString());
                    status = 2;
                }
            }
            if (!available) {
                return status;
            }
            Map<String, Object> results = new LinkedHashMap<>();
            report.put("results", results);
            for (String p : options.getOrDefault("precision", "fp32,fp16").split(",")) {
                Precision precision = Precision.of("--precision", p);
                Map<String, Object> result = new LinkedHashMap<>();
                results.put(precision.label(), result);
                EngineOptions engineOptions = new EngineOptions(precision.label(), maxBatch, Map.of());
                long start = System.nanoTime();
                try (EngineSession session = engine.open(graph, engineOptions)) {
                    result.put("openMs", (System.nanoTime() - start) / 1_000_000);
                    if (referenceOutputs != null) {
                        double tolerance = precision == Precision.FP16 ? FP16_TOLERANCE : FP32_TOLERANCE;
                        Map<String, Object> diffs = compare(session.run(referenceInputs), referenceOutputs);
                        boolean pass = diffs.values().stream().allMatch(d -> d instanceof Double v && v <= tolerance);
                        result.put("maxAbsDiff", diffs);
                        result.put("tolerance", tolerance);
                        result.put("pass", pass);
                        if (!pass) {
                            status = Math.max(status, 1);
                        }
                    }
                    Map<String, Object> latency = new LinkedHashMap<>();
                    for (int batch : batches) {
                        Map<String, HostTensor> inputs =
                                reference != null ? reference.atBatch(batch) : synthetic(session.inputs(), batch);
                        latency.put("batch" + batch, time(session::run, inputs, batch, warmup, runs));
                    }
                    result.put("latency", latency);
                } catch (Exception e) {
                    result.put("error", e.toString());
                    status = 2;
                }
            }
            report.put("cache", cache.toString());
            return status;
        } finally {
            if (ort != null) {
                ort.close();
            }
        }
    }

    /** @return each reference output's largest absolute difference, or why there is none */
    static Map<String, Object> compare(Map<String, HostTensor> got, Map<String, HostTensor> expected) {
        Map<String, Object> diffs = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
            HostTensor g = got.get(e.getKey());
            if (g == null) {
                diffs.put(e.getKey(), "missing");
            } else if (!Arrays.equals(g.shape(), e.getValue().shape())) {
                diffs.put(
                        e.getKey(),
                        "shape " + Arrays.toString(g.shape()) + ", expected "
                                + Arrays.toString(e.getValue().shape()));
            } else if (!"FP32".equals(g.datatype())) {
                boolean same = g.datatype().equals(e.getValue().datatype())
                        && g.data().equals(e.getValue().data());
                diffs.put(e.getKey(), same ? 0.0 : "differs");
            } else {
                double d = maxAbsDiff(g.floats(), e.getValue().floats());
                diffs.put(e.getKey(), Double.isNaN(d) ? "NaN" : d);
            }
        }
        return diffs;
    }

    static Map<String, Object> time(Runner runner, Map<String, HostTensor> inputs, int batch, int warmup, int runs)
            throws Exception {
        for (int i = 0; i < warmup; i++) {
            runner.run(inputs);
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            runner.run(inputs);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.putAll(stats(ms));
        r.put("rowsPerSecond", Math.round(batch * 1000.0 / (double) r.get("p50Ms")));
        r.put("runs", runs);
        return r;
    }

    static Map<String, Object> stats(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(ms).average().orElse(Double.NaN);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("p50Ms", round(percentile(sorted, 0.5)));
        r.put("p90Ms", round(percentile(sorted, 0.9)));
        r.put("meanMs", round(mean));
        return r;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.NaN;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    static Map<String, HostTensor> synthetic(List<TensorSignature.Tensor> inputs, int batch) {
        Random random = new Random(42);
        Map<String, HostTensor> map = new LinkedHashMap<>();
        for (TensorSignature.Tensor in : inputs) {
            long[] shape = in.shape().clone();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    if (i != 0) {
                        throw new IllegalArgumentException("input '" + in.name() + "' has a dynamic dimension " + i
                                + "; give a --case with real inputs");
                    }
                    shape[i] = batch;
                }
            }
            long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            int width = Types.width(in.datatype());
            ByteBuffer b =
                    ByteBuffer.allocateDirect(Math.toIntExact(count * width)).order(ByteOrder.nativeOrder());
            if ("FP32".equals(in.datatype())) {
                for (long i = 0; i < count; i++) {
                    b.putFloat((float) random.nextGaussian());
                }
            }
            b.clear();
            map.put(in.name(), new HostTensor(in.datatype(), shape, b));
        }
        return map;
    }

    static List<Integer> ints(String csv) {
        List<Integer> list = new ArrayList<>();
        for (String s : csv.split(",")) {
            int v = Integer.parseInt(s.strip());
            if (v < 1) {
                throw new IllegalArgumentException("batch sizes are 1 or more, not " + v);
            }
            list.add(v);
        }
        return list;
    }

    /** Inputs and their reference outputs, read from a case file and the raw tensors beside it. */
    record Case(Map<String, HostTensor> inputs, Map<String, HostTensor> outputs) {

        static Case read(Path file) throws IOException {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            Map<String, HostTensor> inputs = new TreeMap<>();
            Map<String, HostTensor> outputs = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                String[] parts = p.getProperty(key).strip().split("\\s+");
                if (parts.length != 3) {
                    throw new IllegalArgumentException(file + ": '" + key + "' needs '<DATATYPE> <d0,d1,...> <file>'");
                }
                long[] shape = Arrays.stream(parts[1].split(","))
                        .mapToLong(s -> Long.parseLong(s.strip()))
                        .toArray();
                byte[] bytes = Files.readAllBytes(file.resolveSibling(parts[2]));
                ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
                b.put(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)).flip();
                HostTensor t = new HostTensor(parts[0], shape, b);
                if (key.startsWith("input.")) {
                    inputs.put(key.substring("input.".length()), t);
                } else if (key.startsWith("output.")) {
                    outputs.put(key.substring("output.".length()), t);
                } else {
                    throw new IllegalArgumentException(file + ": keys are input.<name> or output.<name>, not " + key);
                }
            }
            return new Case(inputs, outputs);
        }

        /** @return the batch size of the inputs (their first dimension) */
        long rows() {
            return inputs.values().stream().mapToLong(t -> t.shape()[0]).max().orElse(1);
        }

        /** @return the inputs with their rows repeated (or cut) to {@code batch} rows */
        Map<String, HostTensor> atBatch(int batch) {
            Map<String, HostTensor> map = new LinkedHashMap<>();
            for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
                HostTensor t = e.getValue();
                long[] shape = t.shape();
                ByteBuffer src = t.data();
                int rowBytes = Math.toIntExact(src.remaining() / shape[0]);
                ByteBuffer b = ByteBuffer.allocateDirect(rowBytes * batch).order(ByteOrder.nativeOrder());
                for (int r = 0; r < batch; r++) {
                    int from = (int) (r % shape[0]) * rowBytes;
                    ByteBuffer row = src.duplicate();
                    row.position(from).limit(from + rowBytes);
                    b.put(row);
                }
                b.flip();
                shape[0] = batch;
                map.put(e.getKey(), new HostTensor(t.datatype(), shape, b));
            }
            return map;
        }
    }
}
