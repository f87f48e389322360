package dev.stoa.train.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

    @TempDir
    Path home;

    @BeforeAll
    static void engine() {
        Engine.getEngine("PyTorch");
    }

    private Path file(String name, int steps, String extra) throws IOException {
        Path f = home.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %s
                output: toy-model
                model: {id: toy}
                loss: {id: ce}
                dataset: {id: tints, options: {seed: 3}}
                train:
                  seed: 11
                  steps: %d
                  batch_size: 32
                  lr: 0.05
                  warmup_steps: 5
                  log_every: 5
                  checkpoint_every: 10
                evaluate:
                  every: 1000
                %s
                """.formatted(name, steps, extra));
        return f;
    }

    private TrainingRun run(Path file, java.util.function.Consumer<TrainingStatus> listener) {
        return new TrainingRun(
                "r",
                TrainingFile.read(file),
                Toy.components(),
                new ModelStore(home.resolve("models")),
                home.resolve("runs"),
                listener);
    }

    @Test
    void twoRunsTrainAtTheSameTimeEachWithItsThreadShareAndEndAsWhenAlone() throws Exception {
        // DJL's own gradient collector allows one in the whole process and would fail the second run here
        TrainingRun alone = run(file("alone", 40, ""), s -> {});
        alone.threads(() -> 1);
        TrainingStatus aloneEnd = alone.run();
        assertThat(aloneEnd.state()).as(aloneEnd.message()).isEqualTo("succeeded");

        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.Set<String> overlapped = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger runningNow = new java.util.concurrent.atomic.AtomicInteger();
        List<java.util.concurrent.CompletableFuture<TrainingStatus>> ends = new ArrayList<>();
        for (String name : List.of("left", "right")) {
            TrainingRun r = run(file(name, 40, ""), s -> {
                if (s.state().equals("running") && s.step() > 0 && runningNow.get() == 2) {
                    overlapped.add(name);
                }
            });
            r.threads(() -> 1);
            ends.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                    runningNow.incrementAndGet();
                    return r.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    runningNow.decrementAndGet();
                }
            }));
        }
        for (var end : ends) {
            TrainingStatus s = end.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(s.state()).as(s.message()).isEqualTo("succeeded");
            // the same file and seed: the same steps, parameters and data order, so the same evaluation
            assertThat(s.evaluation()).isEqualTo(aloneEnd.evaluation());
            assertThat(s.metrics().get("threads")).isEqualTo(1.0);
        }
        // both logged steps while the other was running: they overlapped rather than queued
        assertThat(overlapped).containsExactlyInAnyOrder("left", "right");
        JsonObject report = new JsonObject(Files.readString(home.resolve("runs/left/report.json")));
        assertThat(report.getInteger("threads")).isEqualTo(1);
        assertThat(report.getDouble("thread_cpu_seconds")).isPositive();
        assertThat(report.getDouble("process_cpu_seconds"))
                .isGreaterThanOrEqualTo(report.getDouble("thread_cpu_seconds"));
    }

    @Test
    void aStepWhoseGradientsAreNotFiniteIsRecomputedOnceAndSkippedOnlyIfTheyStayNonFinite() throws IOException {
        // every third pass has NaN gradients: the step is recomputed, the second pass is finite, nothing is lost
        Path flakyFile = file("flaky", 60, "");
        Files.writeString(
                flakyFile, Files.readString(flakyFile).replace("model: {id: toy}", "model: {id: toy, nan_every: 3}"));
        TrainingStatus flaky = run(flakyFile, s -> {}).run();
        assertThat(flaky.state()).as(flaky.message()).isEqualTo("succeeded");
        JsonObject report = new JsonObject(Files.readString(home.resolve("runs/flaky/report.json")));
        assertThat(report.getLong("retried_steps")).isPositive();
        assertThat(report.getLong("skipped_steps")).isZero();
        assertThat(flaky.evaluation().get("accuracy/test")).isGreaterThan(0.8);
        // every pass: each step is tried twice and skipped, the model never changes
        Path brokenFile = file("broken", 20, "");
        Files.writeString(
                brokenFile, Files.readString(brokenFile).replace("model: {id: toy}", "model: {id: toy, nan_every: 1}"));
        TrainingStatus broken = run(brokenFile, s -> {}).run();
        JsonObject brokenReport = new JsonObject(Files.readString(home.resolve("runs/broken/report.json")));
        assertThat(brokenReport.getLong("skipped_steps")).isEqualTo(20);
        assertThat(brokenReport.getLong("retried_steps")).isEqualTo(20);
        assertThat(broken.metrics().get("skipped_steps")).isEqualTo(20.0);
    }

    @Test
    void trainsAboveChancePublishesAndWritesMetricsAndReports() throws IOException {
        List<TrainingStatus> seen = new ArrayList<>();
        TrainingStatus end = run(file("toy", 60, ""), seen::add).run();

        assertThat(end.state()).as(end.message()).isEqualTo("succeeded");
        // chance is 1/3; the tint survives the noise well enough for a linear model
        assertThat(end.evaluation().get("accuracy/test")).isGreaterThan(0.8);
        assertThat(seen).extracting(TrainingStatus::state).contains("running", "evaluating", "succeeded");
        assertThat(seen.stream()
                        .filter(s -> s.state().equals("running"))
                        .mapToLong(TrainingStatus::step)
                        .max()
                        .orElse(0))
                .isEqualTo(60);

        ModelStore.Version v =
                new ModelStore(home.resolve("models")).latest("toy-model").orElseThrow();
        assertThat(v.number()).isEqualTo(1);
        assertThat(v.path().resolve("toy.params")).isRegularFile();
        assertThat(v.path().resolve("train-report.json")).isRegularFile();

        Path runDir = home.resolve("runs/toy");
        List<JsonObject> lines = Files.readAllLines(runDir.resolve("metrics.jsonl")).stream()
                .map(JsonObject::new)
                .toList();
        List<JsonObject> steps =
                lines.stream().filter(o -> o.containsKey("loss")).toList();
        assertThat(steps).hasSize(12);
        assertThat(steps.get(0).fieldNames()).contains("step", "loss", "ce", "lr", "grad_norm", "samples_per_s");
        // the loss falls: the last logged value is well under the first
        assertThat(steps.get(11).getDouble("loss")).isLessThan(steps.get(0).getDouble("loss") * 0.8);
        assertThat(lines.stream().filter(o -> o.containsKey("evaluation")).count())
                .isEqualTo(1);
        // report.md: one row per metric, one column per split
        assertThat(runDir.resolve("report.md"))
                .content()
                .contains("| metric | test |")
                .containsPattern("\\| accuracy \\| (0\\.[89]\\d{3}|1\\.0000) \\|");
        assertThat(runDir.resolve("loss.png")).isRegularFile();
    }

    @Test
    void aCancelledRunResumesFromItsCheckpointAndEndsWhereAnUninterruptedOneDoes() throws IOException {
        TrainingStatus straight = run(file("straight", 40, ""), s -> {}).run();
        assertThat(straight.state()).isEqualTo("succeeded");

        AtomicReference<TrainingRun> first = new AtomicReference<>();
        first.set(run(file("interrupted", 40, ""), s -> {
            if (s.step() >= 15) {
                first.get().cancel();
            }
        }));
        TrainingStatus stopped = first.get().run();
        assertThat(stopped.state()).isEqualTo("cancelled");
        assertThat(stopped.step()).isBetween(15L, 39L);
        assertThat(home.resolve("runs/interrupted/checkpoint.bin")).isRegularFile();
        assertThat(new ModelStore(home.resolve("models")).versions("toy-model")).hasSize(1);

        List<TrainingStatus> resumed = new ArrayList<>();
        TrainingStatus end = run(file("interrupted", 40, ""), resumed::add).run();
        assertThat(end.state()).as(end.message()).isEqualTo("succeeded");
        assertThat(resumed.get(0).message()).isEqualTo("resumed at step " + stopped.step());
        // same seed, same data order, restored moments: the same parameters as the run that was never stopped
        byte[] a = Files.readAllBytes(new ModelStore(home.resolve("models"))
                .versions("toy-model")
                .get(0)
                .path()
                .resolve("toy.params"));
        byte[] b = Files.readAllBytes(new ModelStore(home.resolve("models"))
                .versions("toy-model")
                .get(1)
                .path()
                .resolve("toy.params"));
        assertThat(b).isEqualTo(a);
    }

    @Test
    void trainsOnAFreshThreadWherePyTorchRecordsGradientsByDefault() throws Exception {
        // the platform's trainer thread is not the one DJL initialised on: grad mode starts on there
        AtomicReference<TrainingStatus> end = new AtomicReference<>();
        Thread t = new Thread(() -> {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            end.set(run(uncheck(() -> file("thread", 20, "")), s -> {}).run());
        });
        t.start();
        t.join();
        assertThat(end.get().state()).as(end.get().message()).isEqualTo("succeeded");
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T uncheck(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsSetAsideAndTheRunStartsOver() throws IOException {
        Path f = file("changed", 20, "");
        assertThat(run(f, s -> {}).run().state()).isEqualTo("succeeded");
        Files.writeString(f, Files.readString(f).replace("batch_size: 32", "batch_size: 16"));
        List<TrainingStatus> seen = new ArrayList<>();
        TrainingStatus end = run(f, seen::add).run();
        assertThat(end.state()).as(end.message()).isEqualTo("succeeded");
        assertThat(seen.get(0).message()).isEqualTo("started");
        try (var files = Files.list(home.resolve("runs/changed"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".stale"));
        }
    }

    @Test
    void aCheckpointTakenOnAnotherVersionOfANeededModelIsSetAsideAndTheRunStartsOver() throws IOException {
        ModelStore store = new ModelStore(home.resolve("models"));
        store.publish("frozen-encoder", store.newStaging("frozen-encoder"));
        Path f = file("reader", 40, "needs: [frozen-encoder]");
        AtomicReference<TrainingRun> first = new AtomicReference<>();
        first.set(run(f, s -> {
            if (s.step() >= 15) {
                first.get().cancel();
            }
        }));
        assertThat(first.get().run().state()).isEqualTo("cancelled");
        // the same version: the run resumes
        AtomicReference<TrainingRun> second = new AtomicReference<>();
        List<TrainingStatus> again = new ArrayList<>();
        second.set(run(f, s -> {
            again.add(s);
            if (s.step() >= 25) {
                second.get().cancel();
            }
        }));
        assertThat(second.get().run().state()).isEqualTo("cancelled");
        assertThat(again.get(0).message()).startsWith("resumed at step");
        // the encoder retrained: the checkpoint fits the old one, so the run starts over
        store.publish("frozen-encoder", store.newStaging("frozen-encoder"));
        List<TrainingStatus> seen = new ArrayList<>();
        TrainingStatus end = run(f, seen::add).run();
        assertThat(end.state()).as(end.message()).isEqualTo("succeeded");
        assertThat(seen.get(0).message()).isEqualTo("started");
        try (var files = Files.list(home.resolve("runs/reader"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".stale"));
        }
    }

    @Test
    void stopsEarlyWhenTheTargetIsReached() throws IOException {
        Path f = file("early", 400, "  stop_when: {metric: accuracy/test, at_least: 0.5}");
        Files.writeString(f, Files.readString(f).replace("every: 1000", "every: 20"));
        TrainingStatus end = run(f, s -> {}).run();
        assertThat(end.state()).as(end.message()).isEqualTo("succeeded");
        assertThat(end.step()).isLessThan(400);
    }

    @Test
    void aMissingComponentFailsNamingTheField() throws IOException {
        Path f = file("missing", 10, "");
        Files.writeString(f, Files.readString(f).replace("{id: ce}", "{id: nope}"));
        TrainingStatus end = run(f, s -> {}).run();
        assertThat(end.state()).isEqualTo("failed");
        assertThat(end.message()).contains("loss.id is 'nope'", "stoa.kind=loss");
    }
}
