package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiffusionLossFactoryTest {

    @Test
    void theDiffusionLossIsTheNoisesMeanSquaredErrorAndTakesNoOptions() {
        DiffusionLossFactory factory = new DiffusionLossFactory();
        assertThat(factory.defaults()).isEmpty();
        TrainingLoss loss = factory.create(Map.of());
        assertThat(loss.partNames()).containsExactly("mse");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            var terms = loss.evaluate(
                    new ParameterStore(m, false),
                    new NDList(m.create(new float[] {0f, 2f}), m.create(new float[] {1f, 0f})),
                    false);
            assertThat(terms.total().getFloat()).isCloseTo(2.5f, within(1e-6f));
        }
        assertThatThrownBy(() -> factory.create(Map.of("weight", 2)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("weight");
    }
}
