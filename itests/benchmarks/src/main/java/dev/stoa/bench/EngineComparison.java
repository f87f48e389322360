package dev.stoa.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stoa.encoders.internal.VitEncoderFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.lm.DecoderExport;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.onnx.OnnxBlocks;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.onnx.OnnxType;
import dev.stoa.nn.transformer.TransformerStack;
import io.vertx.core.json.JsonObject;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PyTorch (DJL, the model bundles' own path) against ONNX Runtime CPU on the same weights, side by side in one JVM with
 * the same thread count: the CLIP image tower (a ViT, its projection and the L2 normalisation, as CLIP's
 * {@code model.image.onnx}) and the GPT decoder ({@code model.decoder.onnx}: one decoding step, one new token per
 * sequence against a key/value cache of {@value #PAST} positions). Each at batch 1 (latency) and batch 32
 * (throughput). Sizes are the shipped variants {@code clip small} (64x64 images, 8x8 patches, 128 wide, 4 layers)
 * and {@code gpt small} (128 wide, 4 layers, 260 byte tokens); random weights, since speed does not depend on them.
 *
 * <p>Both paths take Java arrays in and give the output back as a Java {@code float[]}; the decoder's cache stays in
 * each engine's own memory (DJL arrays, ONNX Runtime tensors), as a decoding loop keeps it. Calls alternate between
 * the engines (one each per turn) after a warm-up, so a busy machine's load falls on both alike; ratios use medians.
 * Before timing, each pair of outputs is compared (max abs difference, recorded; the run stops above 1e-3).
 *
 * <p>Writes {@code engines.json} (ratios under {@code ratios}, merged into {@code report.json} by
 * {@link BenchReport}) and {@code engines.md} to {@code --out}. Options: {@code --out DIR}, {@code --threads N}
 * (default: the machine's cores), {@code --seconds S} per measured case (default 8), {@code --quick}.
 */
public final class EngineComparison {

    /** Positions in the decoder's cache at the measured step. */
    static final int PAST = 64;

    static final Map<String, Object> GPT_SMALL =
            Map.of("vocab_size", 260, "context_length", 256, "width", 128, "layers", 4, "heads", 4);
    static final Map<String, Object> VIT_SMALL =
            Map.of("image_size", 64, "patch_size", 8, "width", 128, "layers", 4, "heads", 4);
    static final int CLIP_EMBED = 128;
    static final int IMAGE = 64;

    private final Path out;
    private final int threads;
    private final double seconds;
    private final boolean quick;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final JsonObject report = new JsonObject();
    private final JsonObject ratios = new JsonObject();
    private final StringBuilder md = new StringBuilder();

    EngineComparison(Path out, int threads, double seconds, boolean quick) {
        this.out = out;
        this.threads = threads;
        this.seconds = seconds;
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("itests/benchmarks/target/bench-report");
        int threads = Runtime.getRuntime().availableProcessors();
        double seconds = 8;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--quick" -> quick = true;
                default ->
                    throw new IllegalArgumentException(
                            "unknown option " + args[i] + "; use --out DIR, --threads N, --seconds S, --quick");
            }
        }
        JsonObject r = new EngineComparison(out, threads, seconds, quick).run();
        System.out.println(Files.readString(out.resolve("engines.md")));
        System.out.println("ratios: " + r.getJsonObject("ratios").encode());
    }

    /** The ratio keys this benchmark leaves for the report. */
    static final List<String> RATIO_KEYS = List.of(
            "clip_image_b1_latency_onnx_over_pytorch",
            "clip_image_b32_throughput_onnx_over_pytorch",
            "gpt_step_b1_latency_onnx_over_pytorch",
            "gpt_step_b32_throughput_onnx_over_pytorch");

    JsonObject run() throws Exception {
        // the same intra-op thread count for both engines; PyTorch reads these when its engine starts
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Files.createDirectories(out);
        Machine machine = Machine.describe();
        String summary = machine.cpuModel() + ", " + machine.cores() + " cores, " + machine.java();
        md.append("# PyTorch (DJL) against ONNX Runtime CPU\n\n")
                .append(String.format(
                        Locale.ROOT,
                        "%s; %d intra-op threads each (PyTorch %s, ONNX Runtime %s); %s.\n\n",
                        summary,
                        threads,
                        Engine.getEngine("PyTorch").getVersion(),
                        OrtEnvironment.class.getPackage().getImplementationVersion() == null
                                ? "1.21"
                                : OrtEnvironment.class.getPackage().getImplementationVersion(),
                        quick
                                ? "QUICK run: durations too short to compare"
                                : seconds + " s of interleaved calls a case"))
                .append("| model | batch | PyTorch p50 | ONNX Runtime p50 | PyTorch /s | ONNX Runtime /s |"
                        + " ONNX / PyTorch | max abs diff |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        report.put("threads", threads);
        report.put("machine", summary);
        Path models = Files.createTempDirectory("stoa-engines");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(42);
            clipImage(manager, models);
            gptDecoder(manager, models);
        }
        report.put("ratios", ratios);
        Files.writeString(out.resolve("engines.json"), report.encodePrettily() + "\n");
        md.append("\nLatency is one call (batch 1), throughput is batch / p50 (images or tokens a second).\n"
                + "ONNX / PyTorch: p50 ratio at batch 1 (below 1: ONNX Runtime is faster), throughput ratio at"
                + " batch 32 (above 1: ONNX Runtime is faster).\n");
        Files.writeString(out.resolve("engines.md"), md.toString());
        return report;
    }

    // ---- CLIP image tower ----

    private void clipImage(NDManager manager, Path models) throws Exception {
        Block vit = new VitEncoderFactory().create(VIT_SMALL);
        Linear projection = Linear.builder().setUnits(CLIP_EMBED).optBias(false).build();
        vit.initialize(manager, DataType.FLOAT32, new Shape(1, 3, IMAGE, IMAGE));
        projection.initialize(manager, DataType.FLOAT32, new Shape(1, 128));
        ParameterStore ps = new ParameterStore(manager, false);

        OnnxGraph g = new OnnxGraph("clip-small/image");
        dev.stoa.nn.onnx.OnnxValue pixels = g.input("pixels", OnnxType.FLOAT, "batch", 3, IMAGE, IMAGE);
        dev.stoa.nn.onnx.OnnxValue features =
                OnnxBlocks.block(g, "visual", vit, List.of(pixels)).get(0);
        dev.stoa.nn.onnx.OnnxValue projected = OnnxBlocks.linear(g, "visual_projection", projection, features);
        g.output(OnnxBlocks.l2Normalize(g, projected), "embedding", OnnxType.FLOAT, "batch", CLIP_EMBED);
        Path file = g.write(models.resolve("model.image.onnx"));

        try (OrtSession session = session(file)) {
            for (int batch : new int[] {1, 32}) {
                float[] images = random(batch * 3 * IMAGE * IMAGE, batch);
                long[] shape = {batch, 3, IMAGE, IMAGE};
                Call torch = () -> {
                    try (NDManager call = manager.newSubManager()) {
                        NDArray x = call.create(images, new Shape(shape));
                        NDArray f = vit.forward(ps, new NDList(x), false).head();
                        NDArray p = projection.forward(ps, new NDList(f), false).head();
                        NDArray norm = p.norm(new int[] {-1}, true).maximum(1e-12f);
                        return p.div(norm).toFloatArray();
                    }
                };
                Call onnx = () -> {
                    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape);
                            OrtSession.Result r = session.run(Map.of("pixels", x))) {
                        return floats(r.get("embedding").get());
                    }
                };
                compare(
                        "clip_image",
                        "CLIP image tower (ViT 64x64/8, 128 wide, 4 layers)",
                        batch,
                        "images",
                        torch,
                        onnx);
            }
        }
    }

    // ---- GPT decoder ----

    private void gptDecoder(NDManager manager, Path models) throws Exception {
        LanguageModel gpt = new GptFactory().create(GPT_SMALL);
        gpt.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
        ParameterStore ps = new ParameterStore(manager, false);
        Path file = ((DecoderExport) gpt)
                .onnxDecoder("gpt-small/decoder", false)
                .write(models.resolve("model.decoder.onnx"));
        int layers = ((Number) GPT_SMALL.get("layers")).intValue();

        try (OrtSession session = session(file)) {
            for (int batch : new int[] {1, 32}) {
                SplittableRandom random = new SplittableRandom(batch);
                long[] prompt = random.longs((long) batch * PAST, 4, 260).toArray();
                long[] next = random.longs(batch, 4, 260).toArray();
                // the cache of PAST positions, each engine's own, filled once by a prefill
                List<KeyValueCache> caches;
                NDManager cacheArrays = manager.newSubManager();
                try (NDManager step = manager.newSubManager()) {
                    caches = gpt.forwardWithCache(ps, step.create(prompt, new Shape(batch, PAST)), null, null, false)
                            .caches();
                    for (KeyValueCache c : caches) {
                        c.keys().attach(cacheArrays);
                        c.values().attach(cacheArrays);
                    }
                }
                Map<String, OnnxTensor> past = new HashMap<>();
                try (OrtSession.Result prefill =
                        session.run(decoderInputs(prompt, batch, PAST, 0, emptyPast(batch, layers)))) {
                    for (int l = 0; l < layers; l++) {
                        past.put("past." + l + ".key", copy((OnnxTensor)
                                prefill.get("present." + l + ".key").get()));
                        past.put("past." + l + ".value", copy((OnnxTensor)
                                prefill.get("present." + l + ".value").get()));
                    }
                }
                List<KeyValueCache> fixed = caches;
                Call torch = () -> {
                    try (NDManager call = manager.newSubManager()) {
                        TransformerStack.CachedOutput o =
                                gpt.forwardWithCache(ps, call.create(next, new Shape(batch, 1)), null, fixed, false);
                        return o.output().toFloatArray();
                    }
                };
                Call onnx = () -> {
                    Map<String, OnnxTensor> in = decoderInputs(next, batch, 1, PAST, past);
                    try (OrtSession.Result r = session.run(in)) {
                        return floats(r.get("logits").get());
                    } finally {
                        in.get("tokens").close();
                        in.get("position").close();
                    }
                };
                try {
                    compare(
                            "gpt_step",
                            "GPT decoder step (128 wide, 4 layers, cache of " + PAST + ")",
                            batch,
                            "tokens",
                            torch,
                            onnx);
                } finally {
                    past.values().forEach(OnnxTensor::close);
                    cacheArrays.close();
                }
            }
        }
    }

    private Map<String, OnnxTensor> emptyPast(int batch, int layers) throws OrtException {
        Map<String, OnnxTensor> past = new HashMap<>();
        int heads = ((Number) GPT_SMALL.get("heads")).intValue();
        long[] shape = {batch, heads, 0, ((Number) GPT_SMALL.get("width")).intValue() / heads};
        for (int l = 0; l < layers; l++) {
            past.put("past." + l + ".key", OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape));
            past.put("past." + l + ".value", OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape));
        }
        return past;
    }

    private Map<String, OnnxTensor> decoderInputs(
            long[] tokens, int batch, int length, long position, Map<String, OnnxTensor> past) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>(past);
        in.put("tokens", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {batch, length}));
        in.put("position", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {position}), new long[] {1}));
        return in;
    }

    private OnnxTensor copy(OnnxTensor t) throws OrtException {
        return OnnxTensor.createTensor(
                env, FloatBuffer.wrap(floats(t)), t.getInfo().getShape());
    }

    // ---- measuring ----

    @FunctionalInterface
    interface Call {
        float[] run() throws Exception;
    }

    private void compare(String key, String label, int batch, String unit, Call torch, Call onnx) throws Exception {
        float[] a = torch.run();
        float[] b = onnx.run();
        double diff = maxAbsDiff(a, b);
        if (!(diff <= 1e-3)) {
            throw new IllegalStateException(label + " at batch " + batch + ": PyTorch and ONNX Runtime disagree (max"
                    + " abs difference " + diff + "); the export is wrong, the timings would compare different work");
        }
        // warm-up: both paths until the JIT and each engine's allocator have settled
        long warmUntil = System.nanoTime() + (long) ((quick ? 0.2 : Math.min(3, seconds / 2)) * 1e9);
        while (System.nanoTime() < warmUntil) {
            torch.run();
            onnx.run();
        }
        Samples ts = new Samples();
        Samples os = new Samples();
        long until = System.nanoTime() + (long) ((quick ? 0.3 : seconds) * 1e9);
        int turns = 0;
        while (turns < 5 || System.nanoTime() < until) {
            // alternate which engine goes first, so neither always runs on a cache the other warmed
            if (turns % 2 == 0) {
                ts.add(time(torch));
                os.add(time(onnx));
            } else {
                os.add(time(onnx));
                ts.add(time(torch));
            }
            turns++;
        }
        double tp50 = ts.percentileMicros(50);
        double op50 = os.percentileMicros(50);
        JsonObject r = new JsonObject()
                .put("batch", batch)
                .put("calls", turns)
                .put("pytorch_p50_us", Report.round(tp50))
                .put("pytorch_p90_us", Report.round(ts.percentileMicros(90)))
                .put("onnxruntime_p50_us", Report.round(op50))
                .put("onnxruntime_p90_us", Report.round(os.percentileMicros(90)))
                .put("pytorch_per_second", Report.round(batch * 1e6 / tp50))
                .put("onnxruntime_per_second", Report.round(batch * 1e6 / op50))
                .put("max_abs_diff", diff);
        report.put(key + "_b" + batch, r);
        double ratio = batch == 1 ? op50 / tp50 : tp50 / op50;
        ratios.put(
                key + "_b" + batch + (batch == 1 ? "_latency" : "_throughput") + "_onnx_over_pytorch",
                Report.round(ratio));
        md.append(String.format(
                Locale.ROOT,
                "| %s | %d | %.0f us | %.0f us | %.0f %s | %.0f %s | %.2f | %.1e |%n",
                label,
                batch,
                tp50,
                op50,
                batch * 1e6 / tp50,
                unit,
                batch * 1e6 / op50,
                unit,
                ratio,
                diff));
        System.out.printf(
                Locale.ROOT,
                "%s b%d: PyTorch %.0f us, ONNX Runtime %.0f us (%d calls each)%n",
                key,
                batch,
                tp50,
                op50,
                turns);
    }

    private static long time(Call c) throws Exception {
        long s = System.nanoTime();
        c.run();
        return System.nanoTime() - s;
    }

    private OrtSession session(Path file) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.addConfigEntry("session.inter_op.allow_spinning", "0");
            return env.createSession(file.toString(), o);
        }
    }

    private static float[] floats(OnnxValue v) {
        FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return a;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
