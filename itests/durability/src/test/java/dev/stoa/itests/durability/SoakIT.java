package dev.stoa.itests.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The soak run (issue 14, item 10): a real server from the built distribution, all its bundles, under mixed load for
 * {@code -Dsoak.minutes} (default 10), while bundles are updated, a pipeline is edited, and the whole server is
 * killed with SIGKILL in the middle of a training and started again. Run it with
 * {@code mvn -B -pl itests/durability -am verify -Psoak -Dsoak.minutes=10 -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}; plain {@code mvn verify} leaves it out.
 *
 * <p>{@code soak.clients} threads (default 4) each loop over: good calls (the sentence encoder, the semantic-search
 * pipeline, a pipeline calling the {@code shout} bundle), vector upserts whose acknowledgement is recorded, and bad
 * input (malformed JSON, a missing field, a vector of the wrong length, {@code k = 0}, corrupt and truncated images,
 * an unknown service). Meanwhile the {@code shout} bundle is re-copied into {@code deploy/} every 30 s (an update),
 * the pipeline file is rewritten every 20 s, and at 40% of the run, once the training has written a checkpoint, the
 * server is killed (kill -9) and started again: the training must resume from its checkpoint, and every upsert
 * acknowledged before the kill must be there. At the end every acknowledged upsert is checked again.
 *
 * <p>Writes {@code target/soak/soak-report.md} and {@code soak-report.png}. Must hold: 0 lost acknowledged writes,
 * 0 answers 5xx to bad input, the server alive at the end.
 */
class SoakIT {

    private static final int START_SECONDS = 600;
    private static final int DIMENSION = 16;
    private static final String COLLECTION = "soak";
    private static final Pattern RESUMED = Pattern.compile("soak-train: resuming from the checkpoint at step (\\d+)");

    private StoaServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void mixedLoadLosesNoAcknowledgedWriteAndAnswersNoBadInputWith5xx() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "10"));
        int clients = Integer.getInteger("soak.clients", 4);
        Path dist = Path.of(System.getProperty("stoa.dist", "../../distribution/target/stoa"));
        Path work = Path.of(System.getProperty("stoa.itest.work", "target/durability-it"));
        Path reportDir = Path.of(System.getProperty("soak.report", "target/soak"));
        Path shout = Path.of(System.getProperty("stoa.shout.jar"));

        server = new StoaServer(dist, work.resolve("soak"), Set.of()).javaOpts(System.getProperty("soak.javaOpts", ""));
        // requests carry the local operator's admin key the server generates (StoaServer.localAdminKey)
        server.etc("dev.stoa.retrieval-" + COLLECTION + ".cfg", VectorWrites.retrievalConfig(COLLECTION, DIMENSION));
        server.etc("pipelines/soak-echo.yaml", echoPipeline(0));
        // the shipped trainings would take the trainer for the whole run; one that checkpoints often replaces them
        try (var files = Files.list(server.home.resolve("etc/train"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        server.etc("train/soak-train.yaml", TRAINING);
        Files.copy(shout, server.home.resolve("deploy").resolve(shout.getFileName()));

        SoakLoad load = new SoakLoad(server, new VectorWrites(server, COLLECTION, DIMENSION), images());
        long t0 = System.nanoTime();
        server.start();
        awaitReady();
        load.rssStart = server.rssMiB();
        long startedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
                "[soak] server ready in %d ms, RSS %d MiB; running %.1f minutes%n", startedMs, load.rssStart, minutes);

        long runNanos = (long) (minutes * 60e9);
        long end = System.nanoTime() + runNanos;
        long killAt = System.nanoTime() + (long) (runNanos * 0.4);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            loops.add(pool.submit(() -> {
                load.loop(new Random(client), end);
                return null;
            }));
        }

        int bundleUpdates = 0;
        int pipelineEdits = 0;
        boolean killed = false;
        long resumedStep = -1;
        long checkpointStep = -1;
        long lostAtRestart = -1;
        long nextBundle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long nextPipeline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Path checkpoint = server.home.resolve("data/train/soak-train/checkpoint.bin");
        while (System.nanoTime() < end) {
            Thread.sleep(500);
            long now = System.nanoTime();
            if (!killed && now >= killAt && Files.exists(checkpoint)) {
                checkpointStep = trainingStep();
                load.down = true;
                List<String> acknowledged = load.acknowledged();
                server.kill();
                System.out.printf(
                        "[soak] killed (SIGKILL) with %d acknowledged upserts, training at step %d%n",
                        acknowledged.size(), checkpointStep);
                server.start();
                awaitReady();
                load.rssAfterRestart = server.rssMiB();
                load.down = false;
                killed = true;
                lostAtRestart = new VectorWrites(server, COLLECTION, DIMENSION)
                        .missing(acknowledged)
                        .size();
                server.await("the training resumed", 300, () -> {
                    try {
                        return RESUMED.matcher(server.console()).find();
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                Matcher m = RESUMED.matcher(server.console());
                resumedStep = m.find() ? Long.parseLong(m.group(1)) : -1;
                System.out.printf(
                        "[soak] restarted: %d of the acknowledged upserts missing; training resumed at" + " step %d%n",
                        lostAtRestart, resumedStep);
            }
            if (now >= nextBundle && !load.down) {
                Path target = server.home.resolve("deploy").resolve(shout.getFileName());
                Files.copy(shout, target, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                bundleUpdates++;
                nextBundle = now + TimeUnit.SECONDS.toNanos(30);
            }
            if (now >= nextPipeline && !load.down) {
                server.etc("pipelines/soak-echo.yaml", echoPipeline(++pipelineEdits));
                nextPipeline = now + TimeUnit.SECONDS.toNanos(20);
            }
        }
        for (Future<?> f : loops) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        load.rssEnd = server.rssMiB();
        boolean alive = server.alive() && server.get("/v1/services").status() == 200;
        List<String> acknowledged = load.acknowledged();
        long lost = new VectorWrites(server, COLLECTION, DIMENSION)
                .missing(acknowledged)
                .size();

        SoakReport report = new SoakReport(
                minutes,
                clients,
                load,
                acknowledged.size(),
                lost,
                lostAtRestart,
                killed,
                checkpointStep,
                resumedStep,
                bundleUpdates,
                pipelineEdits,
                alive);
        report.write(reportDir);
        System.out.println(report.markdown());

        assertThat(killed)
                .as("the server was killed and restarted during the run")
                .isTrue();
        assertThat(lostAtRestart).as("acknowledged upserts lost by kill -9").isZero();
        assertThat(lost).as("acknowledged upserts lost by the end").isZero();
        assertThat(load.badInput5xx()).as("answers 5xx to bad input").isZero();
        assertThat(resumedStep).as("the training resumed from a checkpoint").isPositive();
        assertThat(alive).as("the server is alive at the end").isTrue();
    }

    private void awaitReady() throws Exception {
        for (String id : List.of("vectors." + COLLECTION + ".upsert", "all-minilm-l6-v2", "shout", "ocr-paddle")) {
            server.awaitService(id, START_SECONDS);
        }
        // semantic-search is called but not waited for: it may stay waiting (its answers are counted as they come)
        server.await("pipeline soak-echo serving", START_SECONDS, () -> {
            try {
                StoaServer.Answer a = server.get("/v1/pipelines");
                if (a.status() != 200) {
                    return false;
                }
                int serving = 0;
                for (Object o : a.array()) {
                    JsonObject p = (JsonObject) o;
                    if ("soak-echo".equals(p.getString("name")) && "serving".equals(p.getString("state"))) {
                        serving++;
                    }
                }
                return serving == 1;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** @return the soak training's step now, from GET /v1/trainings, or -1 */
    private long trainingStep() {
        try {
            StoaServer.Answer a = server.get("/v1/trainings");
            Matcher m = Pattern.compile("\"soak-train\".*?\"step\"\\s*:\\s*(\\d+)", Pattern.DOTALL)
                    .matcher(a.body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    static String echoPipeline(int version) {
        return String.join(
                "\n",
                "description: The soak's pipeline, rewritten while calls flow (version " + version + ").",
                "input: Text",
                "stages:",
                "  loud:",
                "    call: shout",
                "    timeout: 10s",
                "  chorus:",
                "    template: \"v" + version + ": {{loud.text}} (you said: {{input.text}})\"",
                "output: $chorus",
                "");
    }

    /** A CLIP training that checkpoints every 10 steps and runs longer than any soak. */
    private static final String TRAINING = String.join(
            "\n",
            "name: soak-train",
            "first_start: true",
            "output: soak-clip",
            "model:",
            "  id: clip",
            "  variant: tiny",
            "loss:",
            "  id: clip",
            "dataset:",
            "  id: shapes",
            "  options:",
            "    seed: 0",
            "    image_size: 32",
            "train:",
            "  seed: 42",
            "  steps: 1000000",
            "  batch_size: 32",
            "  lr: 1.0e-3",
            "  warmup_steps: 50",
            "  log_every: 10",
            "  checkpoint_every: 10",
            "");

    /** Bad images: random bytes, and a real PNG cut in half. */
    private static List<byte[]> images() throws Exception {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 128);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        byte[] whole = png.toByteArray();
        byte[] random = new byte[4096];
        new Random(3).nextBytes(random);
        return List.of(random, Arrays.copyOf(whole, whole.length / 2));
    }

    /** The clients' loop and what they counted. */
    static final class SoakLoad {

        private final StoaServer server;
        private final VectorWrites writes;
        private final List<String> badImages;
        private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        private final AtomicInteger nextId = new AtomicInteger();
        final SoakCounts counts = new SoakCounts();
        volatile boolean down;
        long rssStart = -1;
        long rssAfterRestart = -1;
        long rssEnd = -1;

        SoakLoad(StoaServer server, VectorWrites writes, List<byte[]> images) {
            this.server = server;
            this.writes = writes;
            this.badImages = images.stream()
                    .map(b -> Base64.getEncoder().encodeToString(b))
                    .toList();
        }

        List<String> acknowledged() {
            return List.copyOf(acknowledged);
        }

        long badInput5xx() {
            return counts.badInput5xx();
        }

        void loop(Random r, long end) throws InterruptedException {
            while (System.nanoTime() < end) {
                if (down) {
                    Thread.sleep(200);
                    continue;
                }
                int pick = r.nextInt(100);
                try {
                    if (pick < 30) {
                        String id = "soak-" + nextId.incrementAndGet();
                        int status = writes.upsertStatus(id);
                        counts.add("good: vector upsert", status);
                        if (status == 200) {
                            acknowledged.add(id);
                        }
                    } else if (pick < 45) {
                        good(
                                "good: encoder all-minilm-l6-v2",
                                "/v1/services/all-minilm-l6-v2",
                                new JsonObject().put("text", "a rover on Mars " + r.nextInt(1000)));
                    } else if (pick < 55) {
                        good(
                                "good: pipeline semantic-search",
                                "/v1/pipelines/semantic-search",
                                new JsonObject().put("text", "red planet").put("k", 3));
                    } else if (pick < 70) {
                        good(
                                "good: pipeline soak-echo (shout)",
                                "/v1/pipelines/soak-echo",
                                new JsonObject().put("text", "hello " + r.nextInt(1000)));
                    } else {
                        bad(r);
                    }
                } catch (java.io.IOException e) {
                    counts.add(down ? "no answer: server killed" : "no answer", 0);
                }
            }
        }

        private void good(String what, String path, JsonObject body) throws java.io.IOException, InterruptedException {
            counts.add(what, server.post(path, body).status());
        }

        private void bad(Random r) throws java.io.IOException, InterruptedException {
            int which = r.nextInt(7);
            StoaServer.Answer a;
            String what;
            switch (which) {
                case 0 -> {
                    what = "bad: malformed JSON";
                    a = server.post("/v1/services/all-minilm-l6-v2", "application/json", "{\"text\": \"unfinished");
                }
                case 1 -> {
                    what = "bad: missing field";
                    a = server.post("/v1/services/all-minilm-l6-v2", new JsonObject().put("txt", "typo"));
                }
                case 2 -> {
                    what = "bad: vector of the wrong length";
                    a = server.post(
                            "/v1/services/vectors." + COLLECTION + ".upsert",
                            new JsonObject()
                                    .put("id", "x")
                                    .put(
                                            "embedding",
                                            new io.vertx.core.json.JsonArray()
                                                    .add(1.0)
                                                    .add(2.0)));
                }
                case 3 -> {
                    what = "bad: k = 0";
                    a = server.post(
                            "/v1/services/vectors." + COLLECTION + ".query",
                            new JsonObject()
                                    .put("embedding", writes.vector("q"))
                                    .put("k", 0));
                }
                case 4 -> {
                    what = "bad: random bytes as an image";
                    a = server.post("/v1/services/ocr-paddle", new JsonObject().put("image", badImages.get(0)));
                }
                case 5 -> {
                    what = "bad: truncated PNG";
                    a = server.post("/v1/services/ocr-paddle", new JsonObject().put("image", badImages.get(1)));
                }
                default -> {
                    what = "bad: unknown service";
                    a = server.post("/v1/services/no-such-service", new JsonObject().put("text", "x"));
                }
            }
            counts.add(what, a.status());
        }
    }
}
