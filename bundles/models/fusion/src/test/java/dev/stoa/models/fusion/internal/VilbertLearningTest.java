package dev.stoa.models.fusion.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VilbertLearningTest {

    /**
     * A short training of a small ViLBERT on one-copy scenes: the loss of the last steps (masked words + alignment +
     * masked regions) is well below that of the first, and the masked colour word of held-out scenes is read from the
     * image (it passes from the visual stream to the linguistic one only through co-attention): recovered far above
     * chance with the image, and far less often with a blank one; and a masked patch's colour is read from the rest
     * of the image.
     */
    @Test
    void aShortTrainingLowersTheLossAndReadsColoursFromTheImageThroughCoAttention() {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        VilbertTrainable model = VilbertFactory.create("vilbert-test", FusionTestSupport.vilbertConfig(1));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = FusionTestSupport.shapes(1)) {
            model.initialize(m);
            int skippedBefore = FusionTestSupport.SKIPPED.get();
            var os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            int steps = Integer.getInteger("vilbert.test.steps", 400);
            List<Float> losses = FusionTestSupport.train(model, data, m, steps, 32);
            double first = FusionTestSupport.mean(losses.subList(0, 10));
            double last = FusionTestSupport.mean(losses.subList(steps - 10, steps));
            Map<String, Double> metrics =
                    model.evaluate(data, Map.of("split", "test", "examples", 400), new ParameterStore(m, false));
            StringBuilder curve = new StringBuilder();
            for (int i = 0; i < steps; i += 25) {
                curve.append(String.format(" %d:%.3f", i, losses.get(i)));
            }
            int skipped = FusionTestSupport.SKIPPED.get() - skippedBefore;
            System.out.printf(
                    "vilbert learning: %.0f CPU-s, loss%s; %.3f -> %.3f, %d steps skipped (non-finite gradients), %s%n",
                    (os.getProcessCpuTime() - cpu0) / 1e9, curve, first, last, skipped, metrics);
            assertThat(skipped).isLessThan(steps / 4);
            assertThat(first).isGreaterThan(2.5);
            assertThat(last).isLessThan(first * 0.6);
            assertThat(metrics.get("masked_colour_accuracy/test")).isGreaterThan(0.8);
            assertThat(metrics.get("masked_colour_accuracy/test"))
                    .isGreaterThan(metrics.get("masked_colour_accuracy_blank_image/test") + 0.3);
            // the masked-region term learns: a masked patch's colour from the rest of the image (chance 1/6; 0.98
            // measured)
            assertThat(metrics.get("masked_region_colour_accuracy_no_text/test"))
                    .isGreaterThan(0.5);
        }
    }
}
