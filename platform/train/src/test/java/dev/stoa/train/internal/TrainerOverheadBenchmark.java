package dev.stoa.train.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.nn.loss.TrainingLoss;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a unit test (skipped unless {@code -Dbench=true}): the platform's trainer against a plain DJL loop
 * (gradient collector, forward, loss, backward, DJL's own AdamW update per parameter) on the same model (an MLP
 * 48-512-512-3), loss, data and batch (256), alternating the two so a noisy machine hurts both alike. Writes
 * {@code trainer.json} ({@code trainer_over_djl}) into {@code -Dbench.out} (default
 * {@code ../../itests/benchmarks/target/bench-report}), where the benchmark report merges it.
 *
 * <pre>
 * mvn -o -B -pl platform/train -am test -Dtest=TrainerOverheadBenchmark -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class TrainerOverheadBenchmark {

    private static final int STEPS = 80;
    private static final int BATCH = 256;
    private static final int ROUNDS = 9;

    @TempDir
    Path home;

    @Test
    void trainerAgainstAPlainDjlLoop() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("bench"), "benchmark: run with -Dbench=true");
        Engine.getEngine("PyTorch");
        List<Double> trainer = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        plainLoop(30); // warm-up of both paths
        trainerRun("warm", 30);
        for (int r = 0; r < ROUNDS; r++) {
            trainer.add(trainerRun("r" + r, STEPS));
            plain.add(plainLoop(STEPS));
        }
        double t = median(trainer);
        double p = median(plain);
        double ratio = t / p;
        JsonObject out = new JsonObject()
                .put("trainer_over_djl", ratio)
                .put("trainer_ms_per_step", t)
                .put("djl_ms_per_step", p)
                .put("trainer_rounds_ms", trainer)
                .put("djl_rounds_ms", plain)
                .put("model", "MLP 48-512-512-3, batch " + BATCH + ", " + STEPS + " steps x " + ROUNDS + " rounds")
                .put(
                        "machine",
                        Runtime.getRuntime().availableProcessors() + " cores, Java "
                                + System.getProperty("java.version"));
        Path dir = Path.of(System.getProperty("bench.out", "../../itests/benchmarks/target/bench-report"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("trainer.json"), out.encodePrettily());
        System.out.println("trainer_over_djl " + out.encodePrettily());
        assertThat(ratio).isPositive();
    }

    /** @return milliseconds per step of the full trainer (prefetch, AdamW, clipping, metrics every 10 steps) */
    private double trainerRun(String name, int steps) throws Exception {
        Path f = home.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %s
                output: bench
                model: {id: toy, hidden: 512}
                loss: {id: ce}
                dataset: {id: tints, options: {seed: 3}}
                train: {seed: 1, steps: %d, batch_size: %d, lr: 0.001, log_every: 10, checkpoint_every: 100000}
                evaluate: {every: 100000}
                """.formatted(name, steps, BATCH));
        List<Long> marks = new ArrayList<>();
        TrainingRun run = new TrainingRun(
                name,
                TrainingFile.read(f),
                Toy.components(),
                new ModelStore(home.resolve("models")),
                home.resolve("runs"),
                s -> {
                    if (s.state().equals("running") && s.step() > 0) {
                        marks.add(System.nanoTime());
                    }
                });
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        TrainingStatus end = run.run();
        assertThat(end.state()).as(end.message()).isEqualTo("succeeded");
        // from the first logged step (step 10) to the last: the loop itself, without set-up and the final save
        return (marks.get(marks.size() - 1) - marks.get(0)) / 1e6 / (steps - 10);
    }

    /** @return milliseconds per step of a plain DJL loop on the same model, loss, data and batch */
    private double plainLoop(int steps) {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(1);
        Toy.Model model = new Toy.Model(512);
        TrainingLoss loss = new Toy.Ce();
        Dataset.Split split = new Toy.Tints().open(java.util.Map.of("seed", 3)).split("train");
        Optimizer adam =
                Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.001f)).build();
        try (NDManager manager = engine.newBaseManager()) {
            model.initialize(manager);
            loss.initialize(
                    manager,
                    ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(BATCH, 3),
                    new ai.djl.ndarray.types.Shape(BATCH));
            List<Pair<String, Parameter>> params =
                    model.block().getParameters().stream().toList();
            long start = 0;
            for (int step = 0; step < steps; step++) {
                if (step == 10) {
                    start = System.nanoTime();
                }
                List<Example> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    batch.add(split.get((step * BATCH + i) % split.size()));
                }
                try (NDManager scope = manager.newSubManager()) {
                    ParameterStore ps = new ParameterStore(scope, false);
                    try (GradientCollector c = engine.newGradientCollector()) {
                        NDList in = model.inputs(scope, batch, new SplittableRandom(step));
                        NDList out = model.block().forward(ps, in, true);
                        NDList lossOut = loss.forward(ps, model.lossInputs(out, batch, scope), true);
                        c.backward(lossOut.head());
                    }
                    for (Pair<String, Parameter> p : params) {
                        adam.update(
                                p.getKey(),
                                p.getValue().getArray(),
                                p.getValue().getArray().getGradient());
                    }
                    try (GradientCollector c = engine.newGradientCollector()) {
                        c.zeroGradients();
                    }
                }
            }
            return (System.nanoTime() - start) / 1e6 / (steps - 10);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }
}
