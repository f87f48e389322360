package dev.stoa.models.fusion.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.WarmUpTracker;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a unit test (skipped unless {@code -Dbench=true}): the schedule of
 * {@code examples/train/visualbert-tiny.yaml} (variant tiny; shapes seed 0, max_count 3, text_probability 0.5, drawn
 * at 96 px and scaled to 32; batch 64, lr 1e-3 with 100 warm-up steps
 * and a cosine decay to 5e-5, Adam) in this process, then the training file's evaluation on 500 held-out test
 * scenes. Prints the metrics, wall time and the process's CPU seconds. Steps: {@code -Dbench.steps} (1500).
 *
 * <pre>
 * mvn -o -B -pl bundles/models/fusion -am verify -DskipITs -Dtest=VisualBertTrainingBenchmark -Dbench=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class VisualBertTrainingBenchmark {

    @Test
    void trainTheTinyVariantAndEvaluateOnHeldOutScenes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("bench"), "benchmark: run with -Dbench=true");
        int steps = Integer.getInteger("bench.steps", 1500);
        Properties p = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/variants/tiny.properties")) {
            p.load(in);
        }
        VisualBertConfig config = VisualBertConfig.read("tiny", p, "variants/tiny.properties");
        Engine.getEngine("PyTorch").setRandomSeed(42);
        VisualBertTrainable model = VisualBertFactory.create("visualbert-tiny", config);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = new ShapesDatasetFactory()
                        .open(Map.of(
                                "seed",
                                0,
                                "image_size",
                                96,
                                "max_count",
                                config.maxCount(),
                                "text_probability",
                                0.5))) {
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
            List<Float> losses = FusionTestSupport.train(model, data, m, steps, 64, lr, (step, loss) -> {
                if (step % 100 == 0) {
                    System.out.printf(
                            "step %d loss %.4f wall %.0f s cpu %.0f s%n",
                            step, loss, (System.nanoTime() - t0) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9);
                }
                if (step > 0 && step % every == 0) {
                    System.out.printf(
                            "step %d: %s%n",
                            step,
                            model.evaluate(
                                    data, Map.of("split", "test", "examples", 500), new ParameterStore(m, false)));
                }
            });
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            Map<String, Double> metrics =
                    model.evaluate(data, Map.of("split", "test", "examples", 500), new ParameterStore(m, false));
            System.out.printf(
                    "visualbert-tiny: %d steps (%d skipped: non-finite gradients), batch 64, %.0f s wall, %.0f CPU-s, %d"
                            + " parameters, final loss %.4f%n%s%n",
                    steps,
                    FusionTestSupport.SKIPPED.get(),
                    wall,
                    cpu,
                    model.describe().get("parameters"),
                    losses.get(steps - 1),
                    metrics);
            assertThat(losses.get(steps - 1)).isLessThan(losses.get(0));
        }
    }
}
