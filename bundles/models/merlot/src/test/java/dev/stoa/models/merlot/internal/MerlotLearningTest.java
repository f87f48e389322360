package dev.stoa.models.merlot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MerlotLearningTest {

    /**
     * A short training of the small variant on 4-frame clips: the loss of the last steps is well below that of the
     * first (the masked words start near ln V, the contrastive term near ln N, the order near ln 2), and on held-out
     * clips the answers to the clip questions from the frames rise above chance.
     */
    @Test
    void aShortTrainingLowersTheLossAndAnswersFromTheFrames() {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        MerlotTrainable model = MerlotFactory.create("merlot-test", MerlotTestSupport.config());
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = MerlotTestSupport.clips()) {
            model.initialize(m);
            int skippedBefore = MerlotTestSupport.SKIPPED.get();
            int steps = Integer.getInteger("merlot.test.steps", 200);
            List<Float> losses = MerlotTestSupport.train(model, data, m, steps, 32);
            double first = MerlotTestSupport.mean(losses.subList(0, 10));
            double last = MerlotTestSupport.mean(losses.subList(steps - 10, steps));
            Map<String, Double> metrics =
                    model.evaluate(data, Map.of("split", "test", "examples", 300), new ParameterStore(m, false));
            int skipped = MerlotTestSupport.SKIPPED.get() - skippedBefore;
            System.out.printf(
                    "merlot learning: loss %.3f -> %.3f, %d steps skipped (non-finite gradients), %s%n",
                    first, last, skipped, metrics);
            assertThat(skipped).isLessThan(steps / 4);
            assertThat(first).isGreaterThan(8.0);
            assertThat(last).isLessThan(first * 0.75);
            // chance: 1/6 for either colour, 1/4 for the direction, 1/5 for the shape: about 0.19 over all questions
            assertThat(metrics.get("qa_accuracy/test")).isGreaterThan(0.26);
        }
    }
}
