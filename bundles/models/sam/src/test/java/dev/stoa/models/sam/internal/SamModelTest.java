package dev.stoa.models.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The block's shapes and what the prompt encoder's tokens do. */
class SamModelTest {

    @Test
    void forwardGivesThreeMaskLogitsAndScoresPerPrompt() {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        SamTrainable model = SamFactory.create("sam-test", SamTestSupport.config());
        Dataset data = SamTestSupport.scenes();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            List<Example> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batch.add(data.split("train").get(i));
            }
            NDList in = model.inputs(m, batch, new SplittableRandom(1));
            NDList out = model.block().forward(new ParameterStore(m, false), in, false);
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(8, 3, 32, 32));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(8, 3));
            NDList loss = model.lossInputs(out, batch, m);
            assertThat(loss.get(2).getShape()).isEqualTo(new Shape(8, 32, 32));
            float[] s = out.get(1).toFloatArray();
            for (float v : s) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }
}
