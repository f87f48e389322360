package dev.stoa.models.unclip.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.nn.train.TrainingExamples;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A short training of prior and decoder together as the trainer runs it (the conditions dropped 10% of examples,
 * Adam, non-finite steps recomputed), on the stand-in CLIP: the joint loss falls, and each part's held-out loss falls
 * well below where it starts. At 16 px, 16 channels and a 2-layer prior 64 wide to stay within the budget of a
 * learning test; the shipped variant is 32 px, 32 channels, a 4-layer prior 128 wide.
 */
class UnclipLearningTest {

    @Test
    void priorAndDecoderLossesFall() {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        Dataset data = UnclipTestSupport.shapes();
        int steps = Integer.getInteger("unclip.steps", 120);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            UnclipTrainable model = UnclipTestSupport.trainable(UnclipTestSupport.config(
                    "image_size=16", "channels=16", "prior_width=64", "prior_layers=2", "prior_repeats=2"));
            model.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            UnclipEvaluation evaluation = new UnclipEvaluation(model, ps);
            var heldOut = TrainingExamples.first(data.split("test"), 100);
            Map<String, Double> before = evaluation.heldOutLosses(heldOut, "test");
            long start = System.nanoTime();
            List<Float> losses = UnclipTestSupport.train(model, data, m, steps, 32, 2e-3f);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Double> after = evaluation.heldOutLosses(heldOut, "test");
            assertThat(losses)
                    .as("losses %s", losses)
                    .allSatisfy(l -> assertThat(l).isFinite());
            int n = losses.size();
            assertThat(n).as("steps taken").isGreaterThan(steps * 9 / 10);
            double first = UnclipTestSupport.mean(losses, 0, 10);
            double last = UnclipTestSupport.mean(losses, n - 20, n);
            System.out.printf(
                    "unclip learning: joint loss first 10 %.4f, last 20 %.4f; held out before %s, after %s; %.1f s%n",
                    first, last, before, after, seconds);
            assertThat(last)
                    .as("joint loss of the last 20 steps against the first 10")
                    .isLessThan(0.7 * first);
            // the decoder's loss starts near 1 (the zero-initialised output predicts no noise)
            assertThat(after.get("decoder_mse/test"))
                    .as("decoder's held-out loss, before %s", before)
                    .isLessThan(0.8 * before.get("decoder_mse/test"));
            // the prior's starts near the embedding's variance (1 a component) and halves within these steps
            assertThat(after.get("prior_mse/test"))
                    .as("prior's held-out loss, before %s", before)
                    .isLessThan(0.6 * before.get("prior_mse/test"));
        }
    }
}
