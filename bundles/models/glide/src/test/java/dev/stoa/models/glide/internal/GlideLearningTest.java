package dev.stoa.models.glide.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.dataset.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A short DDPM training as the trainer runs it: the denoising loss falls well below where it starts. */
class GlideLearningTest {

    @Test
    void theDenoisingLossFalls() {
        Dataset data = GlideTestSupport.shapes();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            GlideTrainable model = GlideTestSupport.trainable(GlideTestSupport.config("channels=16"));
            model.initialize(m);
            long start = System.nanoTime();
            int steps = Integer.getInteger("glide.steps", 60);
            List<Float> losses = GlideTestSupport.train(
                    model, data, m, steps, 16, Float.parseFloat(System.getProperty("glide.lr", "2e-3")));
            for (int i = 0; i + 10 <= steps; i += 10) {
                System.out.printf("glide steps %d-%d: %.4f%n", i, i + 10, GlideTestSupport.mean(losses, i, i + 10));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(losses)
                    .as("losses %s", losses)
                    .allSatisfy(l -> assertThat(l).isFinite());
            double first = GlideTestSupport.mean(losses, 0, 5);
            double last = GlideTestSupport.mean(losses, 50, 60);
            System.out.printf("glide learning: loss first 5 %.4f, last 10 %.4f, %.1f s%n", first, last, seconds);
            assertThat(last).as("loss of the last 10 steps against the first 5").isLessThan(0.5 * first);
        }
    }
}
