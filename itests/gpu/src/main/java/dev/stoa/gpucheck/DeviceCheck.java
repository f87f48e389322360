package dev.stoa.gpucheck;

import dev.stoa.vectors.cuda.internal.CpuExactIndex;
import dev.stoa.vectors.cuda.internal.CudaDevice;
import dev.stoa.vectors.cuda.internal.CudaFlatIndex;
import dev.stoa.vectors.cuda.internal.CudaLibraries;
import dev.stoa.vectors.cuda.internal.CudaUnavailable;
import dev.stoa.vectors.cuda.internal.FlatMetric;
import dev.stoa.vectors.cuda.internal.TopK;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The GPU device check: on a machine with a GPU, CUDA found (device, memory), cuBLAS equal to the CPU on random
 * matrices, GPU vector search against the CPU's exact search (recall@10, scores), query latency at 100k and 1M x 384,
 * queries/s at batch 1, 16 and 256, device memory over 1,000 searches, TensorRT probed; on a machine without one, a
 * report saying what is missing and why. The report is written as JSON after every stage, so a run cut short still
 * leaves what it measured.
 *
 * <pre>
 * java -cp 'lib/*' dev.stoa.gpucheck.DeviceCheck --out device-check.json [--library-path DIRS] [--budget-s 420]
 *      [--sizes 100000,1000000] [--dim 384] [--queries 100]
 * </pre>
 */
public final class DeviceCheck {

    /** TensorRT 11's libraries, probed by file name. */
    static final List<String> TENSORRT =
            List.of("libnvinfer.so.11", "libnvinfer_plugin.so.11", "libnvonnxparser.so.11");

    private final Map<String, Object> report = new LinkedHashMap<>();
    private final Path out;
    private final long deadline;

    private DeviceCheck(Path out, long budgetSeconds) {
        this.out = out;
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(budgetSeconds);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = arguments(args);
        DeviceCheck check = new DeviceCheck(
                Path.of(a.getOrDefault("out", "device-check.json")), Long.parseLong(a.getOrDefault("budget-s", "420")));
        int[] sizes = Arrays.stream(a.getOrDefault("sizes", "100000,1000000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim()))
                .toArray();
        check.run(
                a.getOrDefault("library-path", ""),
                sizes,
                Integer.parseInt(a.getOrDefault("dim", "384")),
                Integer.parseInt(a.getOrDefault("queries", "100")));
    }

    static Map<String, String> arguments(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            a.put(args[i].substring(2), args[++i]);
        }
        return a;
    }

    void run(String libraryPath, int[] sizes, int dim, int queries) throws IOException {
        report.put("check", "stoa GPU device check (itests/gpu)");
        report.put("started", Instant.now().toString());
        report.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        report.put("cpus", Runtime.getRuntime().availableProcessors());
        report.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        report.put("library_path", libraryPath);
        Map<String, Object> cuda = new LinkedHashMap<>();
        report.put("cuda", cuda);
        List<Path> folders =
                CudaLibraries.folders(libraryPath, System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.conf"));
        CudaLibraries.Probe probe = CudaLibraries.probe(folders, CudaLibraries.REQUIRED);
        Map<String, String> found = new LinkedHashMap<>();
        probe.found().forEach((k, v) -> found.put(k, v.toString()));
        cuda.put("libraries", found);
        cuda.put("missing", probe.missing());
        report.put("cpu_reference", cpuReference());
        report.put("tensorrt", tensorrt(folders));
        write();
        if (!probe.complete()) {
            cuda.put("found", false);
            cuda.put("reason", probe.reason());
            report.put("result", "no GPU check: CUDA not found");
            finish();
            return;
        }
        CudaDevice device;
        try {
            device = CudaDevice.open(libraryPath, 0);
        } catch (CudaUnavailable | LinkageError e) {
            cuda.put("found", false);
            cuda.put("reason", e.getMessage() == null ? e.toString() : e.getMessage());
            report.put("result", "no GPU check: CUDA could not be opened");
            finish();
            return;
        }
        CudaDevice.Info info = device.info();
        cuda.put("found", true);
        cuda.put("device", info.name());
        cuda.put("memory_mib", info.totalMemory() >> 20);
        cuda.put("compute_capability", info.computeCapability());
        cuda.put("driver_version", info.driverVersion());
        cuda.put("runtime_version", info.runtimeVersion());
        write();
        stage("cublas", () -> cublas(device));
        stage("metrics", () -> metrics(device, 20_000, dim));
        List<Object> search = new ArrayList<>();
        report.put("vector_search", search);
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            boolean memory = i == 0;
            Map<String, Object> r = new LinkedHashMap<>();
            search.add(r);
            try {
                searchAt(device, n, dim, queries, memory, r);
            } catch (Throwable e) {
                r.put("error", trace(e));
            }
            write();
        }
        device.close();
        finish();
    }

    private void finish() throws IOException {
        report.put("finished", Instant.now().toString());
        write();
    }

    /** A stage that cannot break the report: its failure is recorded and the next stage runs. */
    private void stage(String name, Stage s) throws IOException {
        if (remainingSeconds() < 10) {
            report.put(name, Map.of("skipped", "time budget spent"));
        } else {
            try {
                report.put(name, s.run());
            } catch (Throwable e) {
                report.put(name, Map.of("error", trace(e)));
            }
        }
        write();
    }

    @FunctionalInterface
    private interface Stage {
        Object run() throws Exception;
    }

    /** The CPU's exact search on a small collection: checks the reference itself (it runs everywhere). */
    static Map<String, Object> cpuReference() {
        int n = 20_000;
        int d = 384;
        float[] data = Measures.gaussian(n * d, 1);
        float[] q = Measures.gaussian(8 * d, 2);
        Map<String, Object> r = new LinkedHashMap<>();
        try (CpuExactIndex index = new CpuExactIndex(d, FlatMetric.COSINE)) {
            index.put(0, data, n);
            long t = System.nanoTime();
            TopK.Hits[] hits = index.search(q, 8, 10);
            double ms = (System.nanoTime() - t) / 1e6 / 8;
            // the reference's top-10 against a full sort of the same scores
            boolean sorted = true;
            for (int b = 0; b < 8; b++) {
                float[] qq = FlatMetric.COSINE.prepare(Arrays.copyOfRange(q, b * d, (b + 1) * d));
                float[] scores = new float[n];
                for (int row = 0; row < n; row++) {
                    scores[row] = (float) FlatMetric.COSINE.score(qq, index.row(row), 0);
                }
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                Arrays.sort(
                        order,
                        (x, y) -> Float.compare(scores[y], scores[x]) != 0
                                ? Float.compare(scores[y], scores[x])
                                : Integer.compare(x, y));
                for (int i = 0; i < 10; i++) {
                    sorted &= order[i] == hits[b].rows()[i];
                }
            }
            r.put("collection", n + " x " + d + " cosine");
            r.put("top10_equals_full_sort", sorted);
            r.put("query_ms", Measures.round(ms, 2));
        }
        return r;
    }

    /** TensorRT: its libraries by file name and, where a check program is named, that program's report. */
    Map<String, Object> tensorrt(List<Path> folders) {
        Map<String, Object> r = new LinkedHashMap<>();
        CudaLibraries.Probe probe = CudaLibraries.probe(folders, TENSORRT);
        Map<String, String> found = new LinkedHashMap<>();
        probe.found().forEach((k, v) -> found.put(k, v.toString()));
        r.put("libraries", found);
        r.put("missing", probe.missing());
        r.put("found", probe.complete());
        if (!probe.complete()) {
            r.put("reason", probe.reason().replace("etc/dev.stoa.vectors.cuda.cfg", "the engine's configuration"));
        }
        // HOOK: the TensorRT engine check (an exported CLIP tower built into an engine, outputs
        // against ONNX Runtime, latency at batch 1 and 32). Its main class is named by -Dstoa.check.tensorrt.main
        // (run-device-check.sh reads it from itests/gpu/tensorrt.main); it is run as main(--out FILE) in its own JVM.
        String main = System.getProperty("stoa.check.tensorrt.main", "").trim();
        if (main.isEmpty()) {
            r.put(
                    "engine_check",
                    "not run: no TensorRT engine check is named (itests/gpu/tensorrt.main is absent; see the"
                            + " TensorRT hook in itests/gpu/README.md)");
            return r;
        }
        r.put("engine_check_main", main);
        try {
            Path file = out.resolveSibling("tensorrt-check.json");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java, "-cp", System.getProperty("java.class.path"), main, "--out", file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(out.resolveSibling("tensorrt-check.log").toFile())
                    .start();
            long wait = Math.max(10, remainingSeconds() - 240); // leave the GPU vector search its time
            if (!p.waitFor(wait, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                r.put("engine_check", "timed out after " + wait + " s");
            } else {
                r.put("engine_check_exit", p.exitValue());
                r.put(
                        "engine_check",
                        Files.isRegularFile(file) ? new Json.Raw(Files.readString(file)) : "no report written");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.put("engine_check", "failed to run: " + e);
        }
        return r;
    }

    /** cuBLAS SGEMM against the CPU's double-precision product, within float32's rounding bound. */
    static Map<String, Object> cublas(CudaDevice device) throws CudaUnavailable {
        Map<String, Object> r = new LinkedHashMap<>();
        List<Object> cases = new ArrayList<>();
        boolean all = true;
        int[][] shapes = {{257, 129, 384}, {1024, 1024, 1024}, {1, 4096, 384}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = Measures.gaussian(m * k, 10 + m);
            float[] b = Measures.gaussian(k * n, 20 + n);
            float[] c = device.sgemm(a, b, m, n, k);
            double[][] exact = Measures.product(a, b, m, n, k);
            double err = Measures.relativeError(c, exact[0], exact[1]);
            double bound = k * Math.pow(2, -24) * 2; // gamma_k for float32, doubled for the final rounding
            boolean ok = err <= bound;
            all &= ok;
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("m_n_k", List.of(m, n, k));
            one.put("max_error_over_bound_sum_abs", err);
            one.put("allowed", bound);
            one.put("equal", ok);
            cases.add(one);
        }
        r.put("cases", cases);
        r.put("equal_to_cpu", all);
        return r;
    }

    /** Every metric on a small collection: GPU hits and scores against the CPU reference. */
    static Map<String, Object> metrics(CudaDevice device, int n, int d) {
        Map<String, Object> r = new LinkedHashMap<>();
        float[] data = Measures.gaussian(n * d, 3);
        float[] q = Measures.gaussian(32 * d, 4);
        for (FlatMetric metric : FlatMetric.values()) {
            try (CpuExactIndex cpu = new CpuExactIndex(d, metric);
                    CudaFlatIndex gpu = new CudaFlatIndex(device, d, metric, 256L << 20)) {
                cpu.put(0, data, n);
                gpu.put(0, data, n);
                TopK.Hits[] exact = cpu.search(q, 32, 10);
                TopK.Hits[] found = gpu.search(q, 32, 10);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("recall_at_10", Measures.recall(found, exact));
                m.put("max_score_difference", maxScoreDifference(found, cpu, metric, q, d));
                r.put(metric.name().toLowerCase(), m);
            }
        }
        return r;
    }

    /** The largest difference between a GPU hit's score and the CPU's exact score of the same row. */
    static double maxScoreDifference(TopK.Hits[] found, CpuExactIndex cpu, FlatMetric metric, float[] q, int d) {
        double worst = 0;
        for (int b = 0; b < found.length; b++) {
            float[] qq = metric.prepare(Arrays.copyOfRange(q, b * d, (b + 1) * d));
            for (int i = 0; i < found[b].size(); i++) {
                double exact = metric.score(qq, cpu.row(found[b].rows()[i]), 0);
                worst = Math.max(worst, Math.abs(exact - found[b].scores()[i]));
            }
        }
        return worst;
    }

    /** The collection of n x d: load, recall against the CPU, latency, throughput, and device memory. */
    void searchAt(CudaDevice device, int n, int d, int queries, boolean memory, Map<String, Object> r)
            throws Exception {
        r.put("collection", n + " x " + d + " cosine");
        if (remainingSeconds() < 30) {
            r.put("skipped", "time budget spent");
            return;
        }
        float[] data = Measures.gaussian(n * d, 42 + n);
        float[] q = new float[queries * d];
        float[] noise = Measures.gaussian(queries * d, 7 + n);
        for (int i = 0; i < queries; i++) {
            if (i % 2 == 0) { // near a stored row, as a real query near its document
                int row = (int) ((i * 7919L) % n);
                for (int j = 0; j < d; j++) {
                    q[i * d + j] = data[row * d + j] + 0.3f * noise[i * d + j];
                }
            } else {
                System.arraycopy(noise, i * d, q, i * d, d);
            }
        }
        try (CudaFlatIndex gpu = new CudaFlatIndex(device, d, FlatMetric.COSINE, 256L << 20);
                CpuExactIndex cpu = new CpuExactIndex(d, FlatMetric.COSINE)) {
            long t = System.nanoTime();
            int block = 65_536;
            for (int r0 = 0; r0 < n; r0 += block) {
                int c = Math.min(block, n - r0);
                gpu.put(r0, Arrays.copyOfRange(data, r0 * d, (r0 + c) * d), c);
            }
            device.synchronize();
            r.put("gpu_load_s", Measures.round((System.nanoTime() - t) / 1e9, 2));
            cpu.put(0, data, n);
            data = null;

            t = System.nanoTime();
            TopK.Hits[] exact = cpu.search(q, queries, 10);
            r.put("cpu_exact_ms_per_query", Measures.round((System.nanoTime() - t) / 1e6 / queries, 2));
            TopK.Hits[] batched = gpu.search(q, queries, 10);
            TopK.Hits[] single = new TopK.Hits[queries];
            for (int i = 0; i < queries; i++) {
                single[i] = gpu.search(Arrays.copyOfRange(q, i * d, (i + 1) * d), 1, 10)[0];
            }
            float[][] prepared = new float[queries][];
            for (int i = 0; i < queries; i++) {
                prepared[i] = FlatMetric.COSINE.prepare(Arrays.copyOfRange(q, i * d, (i + 1) * d));
            }
            Measures.RowScore score = (query, row) -> FlatMetric.COSINE.score(prepared[query], cpu.row(row), 0);
            r.put("recall_at_10", Measures.recall(single, exact));
            r.put("recall_at_10_batched", Measures.recall(batched, exact));
            r.put("recall_at_10_ties_1e-5", Measures.recallWithTies(single, exact, 1e-5, score));
            r.put("max_score_difference", maxScoreDifference(single, cpu, FlatMetric.COSINE, q, d));
            r.put("queries_compared", queries);
            write();

            // latency, one query at a time
            for (int i = 0; i < 10; i++) {
                gpu.search(Arrays.copyOfRange(q, 0, d), 1, 10);
            }
            int samples = Math.min(1000, Math.max(50, queries * 2));
            long[] nanos = new long[samples];
            int done = 0;
            long stop = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (; done < samples && System.nanoTime() < stop; done++) {
                float[] one = Arrays.copyOfRange(q, (done % queries) * d, (done % queries + 1) * d);
                long s = System.nanoTime();
                gpu.search(one, 1, 10);
                nanos[done] = System.nanoTime() - s;
            }
            nanos = Arrays.copyOf(nanos, done);
            r.put("query_p50_ms", Measures.round(Measures.percentileMs(nanos, 50), 3));
            r.put("query_p99_ms", Measures.round(Measures.percentileMs(nanos, 99), 3));
            r.put("latency_samples", done);

            Map<String, Object> qps = new LinkedHashMap<>();
            for (int batch : new int[] {1, 16, 256}) {
                float[] qs = new float[batch * d];
                for (int i = 0; i < batch; i++) {
                    System.arraycopy(q, (i % queries) * d, qs, i * d, d);
                }
                gpu.search(qs, batch, 10); // warm: buffers sized for this batch
                long s = System.nanoTime();
                long limit = s + TimeUnit.SECONDS.toNanos(5);
                int rounds = 0;
                do {
                    gpu.search(qs, batch, 10);
                    rounds++;
                } while (System.nanoTime() < limit && rounds < 2000);
                double seconds = (System.nanoTime() - s) / 1e9;
                qps.put("batch_" + batch, Measures.round(rounds * batch / seconds, 1));
            }
            r.put("queries_per_s", qps);
            r.put("top_k", "host: scores copied back in chunks of 256 MiB, partial selection per query");
            write();

            if (memory) {
                Map<String, Object> mem = new LinkedHashMap<>();
                float[] one = Arrays.copyOfRange(q, 0, d);
                gpu.search(one, 1, 10);
                device.synchronize();
                long before = device.memory()[0];
                for (int i = 0; i < 1000; i++) {
                    gpu.search(Arrays.copyOfRange(q, (i % queries) * d, (i % queries + 1) * d), 1, 10);
                }
                device.synchronize();
                long after = device.memory()[0];
                mem.put("free_before_mib", before >> 20);
                mem.put("free_after_1000_searches_mib", after >> 20);
                mem.put("growth_bytes", before - after);
                mem.put("no_growth", after >= before);
                r.put("device_memory", mem);
            }
        }
    }

    private long remainingSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
    }

    private void write() throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(report));
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String trace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 4000 ? s.substring(0, 4000) : s;
    }
}
