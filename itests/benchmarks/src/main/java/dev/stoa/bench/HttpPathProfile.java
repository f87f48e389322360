package dev.stoa.bench;

import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.bus.internal.InProcessBus;
import dev.stoa.gateway.internal.HttpFront;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Where an HTTP call's time goes, without a model: a service that answers a fixed 384-float embedding at once, called
 * over the same paths as the report's single calls, interleaved call by call, so that the differences between rows
 * are the parts of the path (the model's 5 ms and its noise are out of the way):
 *
 * <ol>
 *   <li>an HTTP round trip to a route that answers {@code {"ok":true}} on the event loop: client, sockets, server;</li>
 *   <li>the same embedding over the event bus from a plain thread: the bus's thread hand-offs, no JSON;</li>
 *   <li>the embedding over HTTP through the gateway's call route: 1 + the bus + JSON in and out, compact;</li>
 *   <li>the same with {@code ?pretty}: the answer as every call wrote it before.</li>
 * </ol>
 *
 * <p>Run: {@code java -cp itests/benchmarks/target/benchmarks.jar dev.stoa.bench.HttpPathProfile [calls]}
 */
public final class HttpPathProfile {

    private HttpPathProfile() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Vertx vertx = Vertx.vertx();
        Vertx clientVertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        float[] v = new float[384];
        Random random = new Random(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * 0.05);
        }
        Embedding fixed = new Embedding(v);
        try (InProcessBus bus = new InProcessBus(vertx)) {
            bus.export("encoder", "fixed", new Fixed(fixed), Map.of());
            HttpServer http = HttpFront.start(vertx, bus, List.of());
            HttpServer floor = vertx.createHttpServer(
                            new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> req.body()
                            .onSuccess(b -> req.response()
                                    .putHeader("content-type", "application/json")
                                    .end("{\"ok\":true}")))
                    .listen()
                    .await();
            HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
            HttpPaths stoa = new HttpPaths(client, http.actualPort(), "fixed");
            HttpPaths bare = new HttpPaths(client, floor.actualPort(), "fixed");
            Map<String, LoadDriver.Call> paths = new LinkedHashMap<>();
            paths.put("HTTP round trip, no bus", i -> HttpPaths.check(bare.stoa("hello there", false)));
            paths.put(
                    "event bus from a plain thread",
                    i -> vertx.eventBus()
                            .request("stoa.encoder.fixed", new Text("hello there"))
                            .await());
            paths.put("HTTP + bus + JSON, compact", i -> HttpPaths.check(stoa.stoa("hello there", false)));
            paths.put("HTTP + bus + JSON, ?pretty", i -> HttpPaths.check(stoa.stoa("hello there", true)));
            Map<String, Samples> warm = new LinkedHashMap<>();
            Map<String, Samples> samples = new LinkedHashMap<>();
            paths.keySet().forEach(k -> {
                warm.put(k, new Samples());
                samples.put(k, new Samples());
            });
            LoadDriver.interleaved(paths, warm, calls / 2, 0);
            LoadDriver.interleaved(paths, samples, calls, 0);
            System.out.printf(
                    Locale.ROOT, "%d calls per path, interleaved, after %d warm-up calls%n", calls, calls / 2);
            System.out.println("| path | p50 us | p90 us | mean us |\n| --- | --- | --- | --- |");
            samples.forEach((name, s) -> System.out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %.0f |%n",
                    name,
                    s.percentileMicros(50),
                    s.percentileMicros(90),
                    s.meanMicros()));
            JsonObject answer = new JsonObject(stoa.stoa("x", false).body());
            System.out.println("answer: " + answer.getJsonArray("embedding").size() + " floats");
        } finally {
            clientVertx.close().await();
            vertx.close().await();
        }
        System.exit(0);
    }

    /** Answers the same embedding at once. */
    private record Fixed(Embedding embedding) implements StoaService<Text, Embedding> {
        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Embedding> outputType() {
            return Embedding.class;
        }

        @Override
        public Embedding call(Text input) {
            return embedding;
        }
    }
}
