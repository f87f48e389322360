package dev.stoa.models.clipcap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.dataset.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipCapLearningTest {

    /**
     * 40 Adam steps on shapes captions: the mean loss of the last 5 steps is well below that of the first 5 (a
     * byte-level decoder starts near ln 260 = 5.6 nats a token).
     */
    @Test
    void aFewStepsReduceTheCaptioningLoss() {
        ClipCapTrainable model = ClipCapTestSupport.trainable(ClipCapTestSupport.config("mlp", false));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = ClipCapTestSupport.shapes()) {
            model.initialize(m);
            List<Float> losses = ClipCapTestSupport.train(model, data, m, 40, 16);
            double first = losses.subList(0, 5).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            double last = losses.subList(35, 40).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            assertThat(first).isGreaterThan(4.5);
            assertThat(last).isLessThan(first * 0.7);
        }
    }
}
