package dev.stoa.bench;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.bus.internal.InProcessBus;
import dev.stoa.gateway.api.HttpRoutes;
import dev.stoa.gateway.internal.HttpFront;
import dev.stoa.onnxruntime.internal.SentenceEncoders;
import dev.stoa.pipeline.testing.Pipelines;
import dev.stoa.protocol.openai.internal.OpenAiFronts;
import dev.stoa.protocol.v2.internal.V2Fronts;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every side-by-side comparison of the benchmark report in one JVM, on one model file with one thread
 * setting, and writes {@code report.json}, {@code report.md} and PNG plots to the output folder (see the module's
 * README for what each number means and how it is measured).
 *
 * <p>{@code java -cp ... dev.stoa.bench.BenchReport [--out DIR] [--model DIR] [--node DIR] [--threads N] [--quick]}
 */
public final class BenchReport {

    /** Short queries of similar length (10-14 tokens with [CLS] and [SEP]), as a search box sends them. */
    static final List<String> SENTENCES = List.of(
            "A man is playing a guitar on the street.",
            "The new movie is awesome and worth watching.",
            "How do I reset my password for this account?",
            "A woman is slicing an onion in the kitchen.",
            "The stock market fell sharply on Tuesday morning.",
            "Where can I find a good pizza place nearby?",
            "Two dogs are running through a snowy field.",
            "What is the capital city of Australia again?",
            "The train to Lyon leaves at half past nine.",
            "Please send me the report by Friday evening.",
            "A child is riding a red bicycle in the park.",
            "Scientists discovered a new species of frog.",
            "My laptop battery drains much faster than before.",
            "The restaurant was closed for renovation today.",
            "Can you recommend a book about ancient Rome?",
            "It is going to rain heavily this afternoon.");

    /** Concurrency levels of the batching comparison. */
    static final int[] CONCURRENCY = {1, 2, 4, 8, 16, 32, 64};

    /** Concurrency at which the peers are compared (and the single-caller numbers beside it). */
    static final int PEER_CONCURRENCY = 8;

    private final Options o;
    private final Machine machine = Machine.describe();
    private final JsonObject report = new JsonObject();
    private final JsonObject ratios = new JsonObject();
    private final List<String> notes = new ArrayList<>();
    private final StringBuilder header = new StringBuilder();
    private final StringBuilder md = new StringBuilder();

    /**
     * What a run measures and for how long.
     *
     * @param out the report folder
     * @param model the MiniLM folder (model.onnx + tokenizer.json)
     * @param node the npm install folder of transformers.js
     * @param threads ONNX Runtime intra-op threads for every JVM session and for Node
     * @param warmMs warm-up per load level
     * @param measureMs measured window per load level
     * @param rounds with {@code block}: the sequential comparisons make {@code rounds * block} calls per path
     * @param block calls per path in one warm-up round
     * @param concurrency the load levels of the batching comparison
     * @param quick a smoke run: numbers are not meaningful
     */
    record Options(
            Path out,
            Path model,
            Path node,
            int threads,
            long warmMs,
            long measureMs,
            int rounds,
            int block,
            int[] concurrency,
            boolean quick) {

        static Options parse(String[] args) throws URISyntaxException {
            Path target = Path.of(BenchReport.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .getParent();
            Path out = target.resolve("bench-report");
            Path model = target.resolve("models/all-minilm-l6-v2");
            Path node = target.resolve("transformersjs");
            int threads = Runtime.getRuntime().availableProcessors();
            boolean quick = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(args[++i]);
                    case "--model" -> model = Path.of(args[++i]);
                    case "--node" -> node = Path.of(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--quick" -> quick = true;
                    default ->
                        throw new IllegalArgumentException("unknown option '" + args[i] + "'; use --out DIR,"
                                + " --model DIR, --node DIR, --threads N or --quick");
                }
            }
            return quick
                    ? new Options(out, model, node, threads, 100, 300, 2, 5, new int[] {1, 4}, true)
                    : new Options(out, model, node, threads, 1_000, 3_000, 10, 40, CONCURRENCY, false);
        }
    }

    BenchReport(Options options) {
        this.o = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        JsonObject r = new BenchReport(options).run();
        System.out.println("Wrote " + options.out().resolve(Report.MARKDOWN) + "\nratios: "
                + r.getJsonObject("ratios").encode());
        System.exit(0); // the peers' ONNX Runtime and Node leave non-daemon threads
    }

    /** @return the report, also written to the output folder */
    JsonObject run() throws Exception {
        Files.createDirectories(o.out);
        System.setProperty("java.awt.headless", "true");
        report.put("date", Instant.now().toString())
                .put("machine", machine.toJson())
                .put(
                        "settings",
                        new JsonObject()
                                .put("model", o.model.toString())
                                .put("intra_op_threads", o.threads)
                                .put("warm_ms", o.warmMs)
                                .put("measure_ms", o.measureMs)
                                .put("rounds", o.rounds)
                                .put("calls_per_round", o.block)
                                .put("quick", o.quick)
                                .put("sentences", new JsonArray(SENTENCES)));
        header.append("# Stoa benchmark report\n\n")
                .append(report.getString("date"))
                .append(", ")
                .append(machine.oneLine())
                .append(".\nONNX Runtime intra-op threads: ")
                .append(o.threads)
                .append(" for every session (Stoa, raw, LangChain4j's where settable, Node). The machine is shared"
                        + " with other work, so numbers move from run to run: compare ratios within one run.\n");
        if (o.quick) {
            header.append("\n**Smoke run (--quick): the numbers are not meaningful.**\n");
        }
        Vertx vertx = Vertx.vertx();
        Vertx clientVertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        TextEncoder encoder = SentenceEncoders.load("all-minilm-l6-v2", o.model, o.threads);
        try (SentenceEncoders.Raw raw = new SentenceEncoders.Raw(o.model, o.threads, encoder.maxTokens());
                InProcessBus bus = new InProcessBus(vertx)) {
            double tokens = SENTENCES.stream().mapToInt(raw::tokens).average().orElseThrow();
            report.getJsonObject("settings").put("mean_tokens", Report.round(tokens));
            checkSameEmbeddings(raw, encoder);
            Map<String, String> batched = Map.of(
                    "batching.minilm-batched.max_batch_size",
                    "32",
                    "batching.minilm-batched.max_queue_delay_us",
                    "0",
                    "batching.minilm-batched.instances",
                    "1");
            bus.export("encoder", "minilm", encoder, Map.of());
            bus.export(
                    "encoder",
                    "minilm-batch1",
                    encoder,
                    Map.of("batching.minilm-batch1.max_batch_size", "1", "batching.minilm-batch1.instances", "1"));
            bus.export("encoder", "minilm-batched", encoder, batched);
            // the protocol front-ends (OpenAI-compatible with its default settings, every text encoder a model under
            // its id; Open Inference v2 REST), built over this bus by their modules' fixtures and mounted as the
            // gateway mounts them
            List<HttpRoutes> fronts = List.of(OpenAiFronts.of(bus, Map.of()), V2Fronts.of(bus));
            HttpServer http = HttpFront.start(vertx, bus, fronts);
            HttpServer floor = vertx.createHttpServer(
                            new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> req.body()
                            .onSuccess(b -> req.response()
                                    .putHeader("content-type", "application/json")
                                    .end("{\"ok\":true}")))
                    .listen()
                    .await();
            HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
            Samples rawSamples = singleCalls(raw, encoder, vertx, bus, client, http.actualPort(), floor.actualPort());
            JsonObject best = batching(vertx, bus);
            composition(vertx, bus, encoder);
            peers(vertx, encoder);
            flops(tokens, rawSamples, best);
            hotSwap();
        } finally {
            SentenceEncoders.close(encoder);
            clientVertx.close().await();
            vertx.close().await();
        }
        report.put("ratios", ratios);
        for (String key : Report.RATIOS) {
            if (!ratios.containsKey(key)) {
                ratios.putNull(key);
            }
        }
        for (String key : Report.BESIDE) {
            if (!report.containsKey(key)) {
                report.putNull(key);
            }
        }
        Report.merge(o.out, report);
        report.put("notes", new JsonArray(notes));
        md.insert(0, header.append(ratiosTable()));
        md.append("\n## Notes\n\n");
        notes.forEach(n -> md.append("- ").append(n).append('\n'));
        Report.write(o.out, report, md.toString());
        return report;
    }

    /**
     * An HTTP door's answer must carry the embedding raw ONNX Runtime computes, to float precision.
     *
     * @param key the report's key of the smallest cosine over the sentences
     * @param door the door's name, for the error
     * @param vector one call through the door, the vector read back from its answer
     */
    private void checkHttpEmbedding(
            SentenceEncoders.Raw raw, String key, String door, java.util.function.Function<String, float[]> vector)
            throws Exception {
        double min = 1;
        for (String s : SENTENCES) {
            min = Math.min(min, new Embedding(raw.encode(s)).cosine(new Embedding(vector.apply(s))));
        }
        report.put(key, Report.round(min));
        if (min < 0.9999) {
            throw new IllegalStateException("raw ONNX Runtime and " + door + " disagree (cosine " + min + ")");
        }
    }

    /** Raw, Stoa's encoder and the bus must give the same vectors, or the comparison compares different work. */
    private void checkSameEmbeddings(SentenceEncoders.Raw raw, TextEncoder encoder) throws Exception {
        double min = 1;
        for (String s : SENTENCES) {
            min = Math.min(min, new Embedding(raw.encode(s)).cosine(encoder.call(new Text(s))));
        }
        report.put("raw_vs_stoa_min_cosine", Report.round(min));
        if (min < 0.9999) {
            throw new IllegalStateException("raw ONNX Runtime and Stoa's encoder disagree (cosine " + min + ")");
        }
    }

    // (a) one caller, batch 1: raw ONNX Runtime, Stoa's encoder object, the in-process bus, HTTP
    private Samples singleCalls(
            SentenceEncoders.Raw raw,
            TextEncoder encoder,
            Vertx vertx,
            InProcessBus bus,
            HttpClient client,
            int port,
            int floorPort)
            throws Exception {
        Map<String, LoadDriver.Call> paths = new LinkedHashMap<>();
        paths.put("raw ONNX Runtime", i -> raw.encode(sentence(i)));
        paths.put("Stoa encoder, direct", i -> encoder.call(new Text(sentence(i))));
        // one thread hand-off there and back, no Vert.x: what crossing threads alone costs on this machine
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        paths.put(
                "Stoa encoder on another thread",
                i -> other.submit(() -> encoder.call(new Text(sentence(i)))).get());
        paths.put(
                "Stoa over the event bus",
                i -> vertx.eventBus()
                        .request("stoa.encoder.minilm", new Text(sentence(i)))
                        .await());
        // the bus's in-process door (ServiceCaller): the same endpoint, run on the caller's thread
        paths.put("Stoa in-process caller", i -> bus.call("minilm", new Text(sentence(i)), Embedding.class));
        HttpPaths http = new HttpPaths(client, port, "minilm");
        checkHttpEmbedding(
                raw, "raw_vs_http_min_cosine", HttpPaths.JSON, s -> HttpPaths.stoaVector(http.stoa(s, false)));
        paths.put(HttpPaths.JSON, i -> HttpPaths.check(http.stoa(sentence(i), false)));
        paths.put(HttpPaths.PRETTY, i -> HttpPaths.check(http.stoa(sentence(i), true)));
        java.util.function.IntFunction<HttpPaths.Answer> openAi =
                HttpPaths.probe(HttpPaths.OPENAI, i -> http.openAi(sentence(i)), notes, "POST /openai/v1/embeddings");
        if (openAi != null) {
            checkHttpEmbedding(
                    raw, "raw_vs_openai_min_cosine", HttpPaths.OPENAI, s -> HttpPaths.openAiVector(http.openAi(s)));
            paths.put(HttpPaths.OPENAI, i -> HttpPaths.check(openAi.apply(i)));
        }
        java.util.function.IntFunction<HttpPaths.Answer> v2 = HttpPaths.probe(
                HttpPaths.V2, i -> http.v2Binary(sentence(i)), notes, "POST /v2/models/minilm/infer (binary)");
        if (v2 != null) {
            checkHttpEmbedding(
                    raw, "raw_vs_v2_binary_min_cosine", HttpPaths.V2, s -> HttpPaths.v2Vector(http.v2Binary(s)));
            paths.put(HttpPaths.V2, i -> HttpPaths.check(v2.apply(i)));
        }
        HttpPaths floor = new HttpPaths(client, floorPort, "minilm");
        paths.put(HttpPaths.FLOOR, i -> HttpPaths.check(floor.stoa(sentence(i), false)));
        Map<String, Samples> samples = new LinkedHashMap<>();
        paths.forEach((name, call) -> samples.put(name, new Samples()));
        warmUntilCompiled("Single calls", paths);
        LoadDriver.interleaved(paths, samples, o.rounds * o.block, 0);
        other.shutdown();
        Samples wake = WakeLatency.measure(o.quick ? 20 : 300, 6);
        Samples rawS = samples.get("raw ONNX Runtime");
        double rawP50 = rawS.percentileMicros(50);
        double busP50 = samples.get("Stoa over the event bus").percentileMicros(50);
        double httpP50 = samples.get("Stoa over HTTP").percentileMicros(50);
        double callerP50 = samples.get("Stoa in-process caller").percentileMicros(50);
        ratios.put("bus_over_raw", Report.round(busP50 / rawP50));
        ratios.put("caller_over_raw", Report.round(callerP50 / rawP50));
        ratios.put("http_over_raw", Report.round(httpP50 / rawP50));
        JsonObject doors = new JsonObject();
        HttpPaths.RATIO_KEYS.forEach((row, key) -> {
            Samples s = samples.get(row);
            doors.put(key, s == null ? null : Report.round(s.percentileMicros(50) / rawP50));
            doors.put(
                    key.replace("_over_raw", "_overhead_us"),
                    s == null ? null : Report.round(s.percentileMicros(50) - rawP50));
        });
        // an HTTP round trip with no model and no bus: what any HTTP door costs at least on this machine
        doors.put("http_floor_p50_us", Report.round(samples.get(HttpPaths.FLOOR).percentileMicros(50)));
        report.put("http_doors", doors);
        JsonObject single = new JsonObject();
        samples.forEach((name, s) -> single.put(name, s.toJson()));
        report.put("single_calls", single);
        report.put(
                "overhead_us",
                new JsonObject()
                        .put(
                                "encoder_direct",
                                Report.round(samples.get("Stoa encoder, direct").percentileMicros(50) - rawP50))
                        .put("bus", Report.round(busP50 - rawP50))
                        .put("caller", Report.round(callerP50 - rawP50))
                        .put("http", Report.round(httpP50 - rawP50))
                        .put(
                                "another_thread",
                                Report.round(samples.get("Stoa encoder on another thread")
                                                .percentileMicros(50)
                                        - rawP50)));
        report.put("thread_wake_after_6ms_idle", wake.toJson());
        md.append("\n## 1. MiniLM at batch 1, one caller\n\n")
                .append(o.rounds * o.block)
                .append(
                        " calls per path,"
                                + " interleaved call by call (each turn calls every path once); overhead and ratios use the medians.\n\n")
                .append(
                        "| path | p50 us | p90 us | p99 us | mean us | over raw (p50) |\n| --- | --- | --- | --- | --- |"
                                + " --- |\n");
        List<String> groups = new ArrayList<>();
        double[][] bars = new double[samples.size()][3];
        int g = 0;
        for (Map.Entry<String, Samples> e : samples.entrySet()) {
            Samples s = e.getValue();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %.0f | %.0f | %+.0f us (x%.3f) |%n",
                    e.getKey(),
                    s.percentileMicros(50),
                    s.percentileMicros(90),
                    s.percentileMicros(99),
                    s.meanMicros(),
                    s.percentileMicros(50) - rawP50,
                    s.percentileMicros(50) / rawP50));
            groups.add(e.getKey().replace("Stoa ", ""));
            bars[g++] = new double[] {
                s.percentileMicros(50) / 1e3, s.percentileMicros(90) / 1e3, s.percentileMicros(99) / 1e3
            };
        }
        Charts.bars(
                o.out.resolve("latency.png"),
                "MiniLM, batch 1, one caller: latency percentiles",
                "ms",
                groups,
                List.of("p50", "p90", "p99"),
                bars);
        md.append(String.format(
                Locale.ROOT,
                "%nWaking a parked thread after 6 ms of idling (as a caller or event loop"
                        + " waits out a forward pass), this machine: p50 %.0f us, p90 %.0f us (`WakeLatency`). A call from"
                        + " outside Vert.x over the bus crosses threads four times (caller, event loop, worker, event loop,"
                        + " caller), a call on another thread twice; the code of a bus call itself costs about 19 us"
                        + " (`PipelineOverheadBenchmark`, where no thread idles).%n",
                wake.percentileMicros(50),
                wake.percentileMicros(90)));
        md.append("\n![latency percentiles](latency.png)\n");
        return rawS;
    }

    /**
     * Warms every path, in interleaved rounds, until the JIT has compiled what they run: until a round spends under 2%
     * of its time compiling, or for at most a minute. A fixed count of warm-up calls is not enough on two cores: the
     * HTTP path's code (Netty, Vert.x Web, Jackson) is still being compiled after 2000 calls, and the compiler threads
     * take a core from the model while they work (measured by hand: HTTP's overhead fell from +5.9 ms in the first
     * 600 calls to +1.7 ms once compiling stopped).
     */
    private void warmUntilCompiled(String section, Map<String, LoadDriver.Call> paths) throws Exception {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long deadline = start + (o.quick ? 2_000_000_000L : 60_000_000_000L);
        int rounds = 0;
        double share;
        do {
            long compiled = jit.getTotalCompilationTime();
            long roundStart = System.nanoTime();
            Map<String, Samples> ignored = new LinkedHashMap<>();
            paths.keySet().forEach(k -> ignored.put(k, new Samples()));
            LoadDriver.interleaved(paths, ignored, o.block, rounds * o.block);
            share = (jit.getTotalCompilationTime() - compiled) * 1e6 / Math.max(1, System.nanoTime() - roundStart);
            rounds++;
        } while (share > 0.02 && System.nanoTime() < deadline);
        JsonObject warm = new JsonObject()
                .put("rounds", rounds)
                .put("calls_per_path", rounds * o.block)
                .put("seconds", Report.round((System.nanoTime() - start) / 1e9))
                .put("last_round_compiling_share", Report.round(share));
        report.getJsonObject("settings")
                .put("warm_up_" + section.toLowerCase(Locale.ROOT).replace(' ', '_'), warm);
        notes.add(String.format(
                Locale.ROOT,
                "%s: warmed for %.0f s (%d calls per path) until the JIT spent" + " %.1f%% of a round compiling%s.",
                section,
                warm.getDouble("seconds"),
                rounds * o.block,
                share * 100,
                share > 0.02 ? ", the minute's limit: the paths may still have been compiling" : ""));
    }

    // (b) dynamic batching against batch-1 serving, closed-loop load
    private JsonObject batching(Vertx vertx, InProcessBus bus) throws Exception {
        Map<String, String> modes = new LinkedHashMap<>();
        modes.put("no batching (a worker per call)", "stoa.encoder.minilm");
        modes.put("batch 1, queue, 1 instance", "stoa.encoder.minilm-batch1");
        modes.put("dynamic batching (max 32, delay 0, 1 instance)", "stoa.encoder.minilm-batched");
        Map<String, List<LoadDriver.Point>> points = new LinkedHashMap<>();
        modes.keySet().forEach(m -> points.put(m, new ArrayList<>()));
        JsonObject meanBatch = new JsonObject();
        for (int c : o.concurrency) {
            double sum = bus.batchSizes("minilm-batched").sum();
            long count = bus.batchSizes("minilm-batched").count();
            for (Map.Entry<String, String> m : modes.entrySet()) {
                points.get(m.getKey())
                        .add(LoadDriver.bus(vertx, m.getValue(), i -> new Text(sentence(i)), c, o.warmMs, o.measureMs));
            }
            // warm-up and window together: the batches of this level
            meanBatch.put(
                    Integer.toString(c),
                    Report.round((bus.batchSizes("minilm-batched").sum() - sum)
                            / Math.max(1, bus.batchSizes("minilm-batched").count() - count)));
        }
        JsonObject out = new JsonObject();
        points.forEach((m, ps) -> out.put(
                m, new JsonArray(ps.stream().map(LoadDriver.Point::toJson).toList())));
        out.put("mean_batch_size_by_concurrency", meanBatch);
        report.put("batching", out);
        int last = o.concurrency.length - 1;
        LoadDriver.Point batched =
                points.get("dynamic batching (max 32, delay 0, 1 instance)").get(last);
        LoadDriver.Point unbatched =
                points.get("no batching (a worker per call)").get(last);
        LoadDriver.Point batch1 = points.get("batch 1, queue, 1 instance").get(last);
        LoadDriver.Point baseline = unbatched.throughput() >= batch1.throughput() ? unbatched : batch1;
        ratios.put("batching_gain", Report.round(batched.throughput() / baseline.throughput()));
        report.put("batching_p99_over_batch1", Report.round(batched.p99Ms() / baseline.p99Ms()));
        md.append("\n## 2. Dynamic batching against batch-1 serving\n\nClosed loop over the in-process bus, ")
                .append(o.warmMs)
                .append(" ms warm-up then ")
                .append(o.measureMs)
                .append(" ms measured per level;" + " batching_gain is the throughput at concurrency ")
                .append(o.concurrency[last])
                .append(" against the better batch-1 mode there (p99 ratio there: ")
                .append(String.format(Locale.ROOT, "%.2f", batched.p99Ms() / baseline.p99Ms()))
                .append("). Mean batch size with batching, by concurrency: ")
                .append(meanBatch.encode())
                .append(".\n\n| mode | concurrency |"
                        + " throughput /s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- | --- |\n");
        Map<String, double[][]> tput = new LinkedHashMap<>();
        Map<String, double[][]> p99 = new LinkedHashMap<>();
        points.forEach((m, ps) -> {
            double[][] t = new double[ps.size()][];
            double[][] l = new double[ps.size()][];
            for (int i = 0; i < ps.size(); i++) {
                LoadDriver.Point p = ps.get(i);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %.1f | %.2f | %.2f | %d |%n",
                        m,
                        p.concurrency(),
                        p.throughput(),
                        p.p50Ms(),
                        p.p99Ms(),
                        p.errors()));
                t[i] = new double[] {p.concurrency(), p.throughput()};
                l[i] = new double[] {p.concurrency(), p.p99Ms()};
            }
            tput.put(m.replaceAll(" \\(.*", ""), t);
            p99.put(m.replaceAll(" \\(.*", ""), l);
        });
        Charts.lines(
                o.out.resolve("throughput.png"),
                "MiniLM throughput against concurrency",
                "concurrent callers",
                "requests / s",
                tput,
                true);
        Charts.lines(
                o.out.resolve("p99.png"),
                "MiniLM p99 latency against concurrency",
                "concurrent callers",
                "p99 ms",
                p99,
                true);
        md.append("\n![throughput](throughput.png)\n![p99](p99.png)\n");
        return batched.toJson();
    }

    // (c) a pipeline of three MiniLM stages against the three stages called alone
    private void composition(Vertx vertx, InProcessBus bus, TextEncoder encoder) throws Exception {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String id : List.of("stage-a", "stage-b", "stage-c")) {
            addresses.put(id, bus.export("service", id, new EncodeAndPass(encoder), Map.of()));
        }
        String yaml = "input: Text\nstages:\n  a: {call: stage-a}\n  b: {call: stage-b, input: $a}\n"
                + "  c: {call: stage-c, input: $b}\noutput: $c\n";
        String pipeline = bus.export("pipeline", "three-stages", Pipelines.service(vertx, yaml, addresses), Map.of());
        Map<String, LoadDriver.Call> paths = new LinkedHashMap<>();
        for (Map.Entry<String, String> a : addresses.entrySet()) {
            paths.put(
                    a.getKey(),
                    i -> vertx.eventBus()
                            .request(a.getValue(), new JsonObject().put("text", sentence(i)))
                            .await());
        }
        paths.put(
                "pipeline",
                i -> vertx.eventBus()
                        .request(pipeline, new JsonObject().put("text", sentence(i)))
                        .await());
        Map<String, Samples> samples = new LinkedHashMap<>();
        paths.keySet().forEach(k -> samples.put(k, new Samples()));
        warmUntilCompiled("Composition", paths);
        LoadDriver.interleaved(paths, samples, o.rounds * o.block, 0);
        double sum = 0;
        for (String id : addresses.keySet()) {
            sum += samples.get(id).percentileMicros(50);
        }
        double pipe = samples.get("pipeline").percentileMicros(50);
        ratios.put("composition_over_sum", Report.round(pipe / sum));
        JsonObject out = new JsonObject();
        samples.forEach((k, s) -> out.put(k, s.toJson()));
        out.put("sum_of_stages_p50_us", Report.round(sum));
        report.put("composition", out);
        md.append("\n## 3. Composition\n\nA pipeline file of three chained stages, each a MiniLM forward pass"
                + " (a service that encodes its text and passes it on), called over the bus, against the three"
                + " stages called alone over the bus (same JSON body); medians.\n\n| | p50 us | p99 us |\n| --- |"
                + " --- | --- |\n");
        samples.forEach((k, s) -> md.append(String.format(
                Locale.ROOT, "| %s | %.0f | %.0f |%n", k, s.percentileMicros(50), s.percentileMicros(99))));
        md.append(String.format(Locale.ROOT, "| sum of the three stages | %.0f | |%n", sum));
    }

    // (d) peers on the same model: LangChain4j in process, transformers.js on Node
    private void peers(Vertx vertx, TextEncoder encoder) throws Exception {
        JsonObject out = new JsonObject();
        AllMiniLmL6V2EmbeddingModel shipped = new AllMiniLmL6V2EmbeddingModel();
        LangChain4jMiniLm lc4j =
                new LangChain4jMiniLm(SentenceEncoders.session(o.model, o.threads), o.model.resolve("tokenizer.json"));
        double cosine = new Embedding(lc4j.embed(SENTENCES.get(0)).content().vector())
                .cosine(encoder.call(new Text(SENTENCES.get(0))));
        out.put("langchain4j_vs_stoa_cosine", Report.round(cosine));
        shipped.embed(SENTENCES.get(1)); // warm
        Map<String, LoadDriver.Point> points = new LinkedHashMap<>();
        for (int c : new int[] {1, PEER_CONCURRENCY}) {
            points.put(
                    "Stoa (bus, dynamic batching) c=" + c,
                    LoadDriver.bus(
                            vertx,
                            "stoa.encoder.minilm-batched",
                            i -> new Text(sentence(i)),
                            c,
                            o.warmMs,
                            o.measureMs));
            points.put(
                    "LangChain4j, same session options c=" + c,
                    LoadDriver.threads(c, o.warmMs, o.measureMs, i -> lc4j.embed(sentence(i))));
            points.put(
                    "LangChain4j as shipped (ORT defaults) c=" + c,
                    LoadDriver.threads(c, o.warmMs, o.measureMs, i -> shipped.embed(sentence(i))));
        }
        double stoaPeer =
                points.get("Stoa (bus, dynamic batching) c=" + PEER_CONCURRENCY).throughput();
        ratios.put(
                "throughput_over_langchain4j",
                Report.round(stoaPeer
                        / points.get("LangChain4j, same session options c=" + PEER_CONCURRENCY)
                                .throughput()));
        out.put(
                "throughput_over_langchain4j_as_shipped",
                Report.round(stoaPeer
                        / points.get("LangChain4j as shipped (ORT defaults) c=" + PEER_CONCURRENCY)
                                .throughput()));
        notes.add("LangChain4j 1.20.0-beta30: throughput_over_langchain4j compares with its OnnxBertBiEncoder (its"
                + " tokenizer, inference and pooling) on a session opened with Stoa's options; its"
                + " AllMiniLmL6V2EmbeddingModel as shipped opens the session with ONNX Runtime's defaults (threads"
                + " spin-wait), shown beside it. Each LangChain4j caller runs on its own thread.");
        JsonObject tjs = new JsonObject();
        for (int c : new int[] {1, PEER_CONCURRENCY}) {
            try {
                JsonObject r = TransformersJs.run(o.node, o.model, SENTENCES, o.warmMs, o.measureMs, c, o.threads);
                double[] v = toFloats(r.getJsonArray("embedding0"));
                r.put(
                        "vs_stoa_cosine",
                        Report.round(new Embedding(toFloatArray(v)).cosine(encoder.call(new Text(SENTENCES.get(0))))));
                r.remove("embedding0");
                tjs.put("c=" + c, r);
                points.put(
                        "transformers.js c=" + c,
                        new LoadDriver.Point(
                                c,
                                r.getDouble("throughput_per_s"),
                                r.getDouble("p50_ms"),
                                r.getDouble("p99_ms"),
                                0,
                                r.getLong("answered")));
            } catch (IOException e) {
                tjs.put("error", e.getMessage());
                notes.add("transformers.js not measured: " + e.getMessage());
                break;
            }
        }
        LoadDriver.Point node = points.get("transformers.js c=" + PEER_CONCURRENCY);
        ratios.put("throughput_over_transformersjs", node == null ? null : Report.round(stoaPeer / node.throughput()));
        out.put("transformersjs", tjs);
        JsonObject pts = new JsonObject();
        points.forEach((k, p) -> pts.put(k, p.toJson()));
        out.put("points", pts);
        report.put("peers", out);
        md.append("\n## 4. Peers on the same model file\n\nClosed loop, ")
                .append(o.measureMs)
                .append(" ms per" + " level; ratios at concurrency ")
                .append(PEER_CONCURRENCY)
                .append(". Same vectors: LangChain4j" + " against Stoa cosine ")
                .append(String.format(Locale.ROOT, "%.6f", cosine))
                .append(".\n\n|"
                        + " | concurrency | throughput /s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n");
        points.forEach((k, p) -> md.append(String.format(
                Locale.ROOT,
                "| %s | %d | %.1f | %.2f | %.2f |%n",
                k.replaceAll(" c=\\d+", ""),
                p.concurrency(),
                p.throughput(),
                p.p50Ms(),
                p.p99Ms())));
    }

    // (e) achieved FLOP/s against the machine's peak
    private void flops(double tokens, Samples raw, JsonObject batched) {
        double perSentence = MiniLmFlops.forward(tokens);
        double rawSeconds = raw.percentileMicros(50) / 1e6;
        double achieved = perSentence / rawSeconds;
        double batchedAchieved = perSentence * batched.getDouble("throughput_per_s");
        double peak = machine.peakFlops();
        ratios.put("flops_efficiency", peak > 0 ? Report.round(achieved / peak) : null);
        report.put(
                "flops",
                new JsonObject()
                        .put("mean_tokens", Report.round(tokens))
                        .put("forward_gflop", Report.round(perSentence / 1e9))
                        .put("batch1_raw_gflops", Report.round(achieved / 1e9))
                        .put("batched_gflops", Report.round(batchedAchieved / 1e9))
                        .put("peak_gflops", Report.round(peak / 1e9))
                        .put("batched_efficiency", peak > 0 ? Report.round(batchedAchieved / peak) : null));
        md.append(String.format(
                Locale.ROOT,
                "%n## 5. Compute efficiency%n%nMiniLM forward at %.1f tokens: %.3f"
                        + " GFLOP (matrix products: 6 x (8 S d^2 + 4 S d d_ff + 4 S^2 d), d = 384, d_ff = 1536). Raw ONNX"
                        + " Runtime at batch 1 (p50): %.1f GFLOP/s; with dynamic batching at the highest load: %.1f GFLOP/s."
                        + " Peak: %s = %.0f GFLOP/s. flops_efficiency (batch 1) = %.3f; batched: %.3f.%n",
                tokens,
                perSentence / 1e9,
                achieved / 1e9,
                batchedAchieved / 1e9,
                machine.toJson().getString("peak_formula"),
                peak / 1e9,
                achieved / peak,
                batchedAchieved / peak));
    }

    // (f) hot swap needs OSGi bundle updates
    private void hotSwap() {
        report.putNull("swap_errors");
        ratios.putNull("swap_p99_over_steady");
        notes.add("Hot swap (swap_errors, swap_p99_over_steady) is not measured in this run: it needs real bundle"
                + " updates in Felix, which this plain-class-path run has no framework for. itests/osgi HotSwapIT"
                + " updates a bundle under load, checks that no call fails and leaves swap.json, from which the"
                + " report takes both keys when it is there (merged_from names the file).");
        md.append("\n## 6. Hot swap\n\nMeasured by itests/osgi HotSwapIT in Felix, not in this run (see the notes).\n");
    }

    private String ratiosTable() {
        StringBuilder t = new StringBuilder("\n## Ratios\n\n| key | value | target |\n| --- | --- | --- |\n");
        Map<String, String> targets = new java.util.HashMap<>();
        targets.put("bus_over_raw", "<= 1.03 and <= 50 us over raw");
        targets.put("caller_over_raw", "(the bus's in-process door) <= 1.03 and <= 50 us over raw");
        targets.put("http_over_raw", "<= 1.10");
        targets.put("batching_gain", ">= 2.5 at same or better p99");
        targets.put("composition_over_sum", "<= 1.05");
        targets.put("throughput_over_langchain4j", ">= 1");
        targets.put("swap_p99_over_steady", "<= 2");
        targets.put("trainer_over_djl", "<= 1.05");
        targets.put("swap_errors", "0");
        targets.put("clip_image_b1_latency_onnx_over_pytorch", "(p50 ratio; below 1: ONNX Runtime faster)");
        targets.put("clip_image_b32_throughput_onnx_over_pytorch", "(above 1: ONNX Runtime faster)");
        targets.put("gpt_step_b1_latency_onnx_over_pytorch", "(p50 ratio; below 1: ONNX Runtime faster)");
        targets.put("gpt_step_b32_throughput_onnx_over_pytorch", "(above 1: ONNX Runtime faster)");
        targets.put("recall_at_10", ">= 0.95");
        targets.put("query_ms", "< 2");
        for (String key : Report.KEYS) {
            Object v = Report.RATIOS.contains(key) ? ratios.getValue(key) : report.getValue(key);
            t.append("| ")
                    .append(key)
                    .append(" | ")
                    .append(v == null ? "null" : v)
                    .append(" | ")
                    .append(targets.getOrDefault(key, ""))
                    .append(" |\n");
        }
        JsonObject overhead = report.getJsonObject("overhead_us");
        t.append("\nAbsolute overhead over raw ONNX Runtime at p50: bus ")
                .append(overhead.getValue("bus"))
                .append(" us, in-process caller ")
                .append(overhead.getValue("caller"))
                .append(" us, HTTP ")
                .append(overhead.getValue("http"))
                .append(" us.\n");
        JsonObject doors = report.getJsonObject("http_doors");
        if (doors != null) {
            t.append("\nHTTP doors, p50 over raw (null: the door is not on this build, see the notes): ");
            List<String> parts = new ArrayList<>();
            doors.forEach(e -> parts.add("`" + e.getKey() + "` " + e.getValue()));
            t.append(String.join(", ", parts)).append(".\n");
        }
        return t.toString();
    }

    private static String sentence(int i) {
        return SENTENCES.get(Math.floorMod(i, SENTENCES.size()));
    }

    private static double[] toFloats(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getDouble(i);
        }
        return v;
    }

    private static float[] toFloatArray(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** A pipeline stage with a real model in it: encodes its text with MiniLM, then passes the text on. */
    static final class EncodeAndPass implements StoaService<Text, Text> {
        private final TextEncoder encoder;

        EncodeAndPass(TextEncoder encoder) {
            this.encoder = encoder;
        }

        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public Text call(Text input) {
            encoder.call(input);
            return input;
        }
    }
}
