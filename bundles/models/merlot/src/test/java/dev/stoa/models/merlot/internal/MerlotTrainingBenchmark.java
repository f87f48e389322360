package dev.stoa.models.merlot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.WarmUpTracker;
import dev.stoa.api.dataset.Dataset;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a unit test (skipped unless {@code -Dbench=true}): the schedule of
 * {@code examples/train/merlot-tiny.yaml} (variant tiny, shapes-clips seed 0, 4 frames of 32 px, batch 32, lr 1e-3
 * with 100 warm-up steps and a cosine decay to 5e-5, Adam) in this process, then the training file's evaluation on
 * 500 held-out test clips. Prints the metrics, wall time and the process's CPU seconds. Steps: {@code -Dbench.steps}
 * (1500); evaluation every {@code -Dbench.evaluate.every} (500) on {@code -Dbench.evaluate.examples} clips (500);
 * overrides of the variant's keys {@code -Dbench.model=order_fraction=0.75,motion_channels=0} and of the loss's
 * options {@code -Dbench.loss=order_weight=2}.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE mvn -o -B -pl bundles/models/merlot -am verify -DskipITs -Dtest=MerlotTrainingBenchmark \
 *     -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class MerlotTrainingBenchmark {

    @Test
    void trainTheTinyVariantAndEvaluateOnHeldOutClips() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("bench"), "benchmark: run with -Dbench=true");
        int steps = Integer.getInteger("bench.steps", 1500);
        int batch = Integer.getInteger("bench.batch", 32);
        MerlotConfig config = MerlotTestSupport.tiny().with(options("bench.model"), "bench.model");
        Map<String, Object> lossOptions = options("bench.loss");
        int examples = Integer.getInteger("bench.evaluate.examples", 500);
        System.out.printf("model %s, loss %s%n", config.values(), lossOptions);
        Engine.getEngine("PyTorch").setRandomSeed(42);
        MerlotTrainable model = MerlotFactory.create("merlot-tiny", config);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = MerlotTestSupport.clips()) {
            model.initialize(m);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            CosineTracker cosine = CosineTracker.builder()
                    .setBaseValue(1e-3f)
                    .optFinalValue(5e-5f)
                    .setMaxUpdates(steps)
                    .build();
            WarmUpTracker lr = WarmUpTracker.builder()
                    .setMainTracker(cosine)
                    .optWarmUpBeginValue(0f)
                    .optWarmUpSteps(100)
                    .build();
            int every = Integer.getInteger("bench.evaluate.every", 500);
            List<Float> losses =
                    MerlotTestSupport.train(model, data, m, steps, batch, lr, lossOptions, (step, terms) -> {
                        if (step % 50 == 0) {
                            System.out.printf(
                                    "step %d loss %.4f %s wall %.0f s cpu %.0f s%n",
                                    step,
                                    terms.total().getFloat(),
                                    terms.parts().entrySet().stream()
                                            .map(e -> e.getKey() + "="
                                                    + String.format(
                                                            "%.3f", e.getValue().getFloat()))
                                            .toList(),
                                    (System.nanoTime() - t0) / 1e9,
                                    (os.getProcessCpuTime() - cpu0) / 1e9);
                        }
                        if (step > 0 && step % every == 0) {
                            System.out.printf(
                                    "step %d: %s%n",
                                    step,
                                    model.evaluate(
                                            data,
                                            Map.of("split", "test", "examples", examples),
                                            new ParameterStore(m, false)));
                        }
                    });
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            Map<String, Double> metrics =
                    model.evaluate(data, Map.of("split", "test", "examples", examples), new ParameterStore(m, false));
            System.out.printf(
                    "merlot-tiny: %d steps (%d skipped: non-finite gradients), batch %d, %.0f s wall, %.0f CPU-s, %d"
                            + " parameters, final loss %.4f%n%s%n",
                    steps,
                    MerlotTestSupport.SKIPPED.get(),
                    batch,
                    wall,
                    cpu,
                    model.describe().get("parameters"),
                    losses.get(steps - 1),
                    metrics);
            assertThat(losses.get(steps - 1)).isLessThan(losses.get(0));
        }
    }

    /** @return {@code key=value,...} of a system property, numbers as numbers: overrides of the training file */
    private static Map<String, Object> options(String property) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (String kv : System.getProperty(property, "").split(",")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                String v = p[1].trim();
                out.put(p[0].trim(), v.matches("-?\\d+") ? (Object) Integer.valueOf(v) : Double.valueOf(v));
            }
        }
        return out;
    }
}
