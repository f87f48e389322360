package dev.stoa.models.gpt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.stoa.nn.lm.HiddenStates;
import dev.stoa.nn.lm.LanguageModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hidden states VC-GPT's fusion module reads: the final-norm states the tied head turns into the logits. */
class GptHiddenStatesTest {

    @Test
    void logitsAreTheHiddenStatesTimesTheTokenEmbeddingAndEqualForwards() {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            LanguageModel model =
                    new GptFactory().create(Map.of("context_length", 16, "width", 32, "layers", 2, "heads", 4));
            model.initialize(m, DataType.FLOAT32, new Shape(2, 6));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ids = m.create(new long[] {1, 40, 41, 42, 43, 2, 1, 50, 60, 70, 2, 0}, new Shape(2, 6));
            NDList out = ((HiddenStates) model).forwardHidden(ps, ids, false);
            NDArray logits = out.get(0);
            NDArray hidden = out.get(1);
            assertThat(hidden.getShape()).isEqualTo(new Shape(2, 6, 32));
            float[] expected = model.forward(ps, new NDList(ids), false).head().toFloatArray();
            float[] actual = logits.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
            }
            // tied head: logits[b, t, v] = Σ_d h[b, t, d] E[v, d], summed here in plain Java
            float[] e = null;
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getKey().endsWith("token_embedding")) {
                    e = p.getValue().getArray().toFloatArray();
                }
            }
            assertThat(e).isNotNull();
            float[] h = hidden.toFloatArray();
            int v = model.vocabularySize();
            for (int row = 0; row < 12; row += 5) {
                for (int w = 0; w < v; w += 37) {
                    double s = 0;
                    for (int d = 0; d < 32; d++) {
                        s += h[row * 32 + d] * e[w * 32 + d];
                    }
                    assertThat((double) actual[row * v + w]).isCloseTo(s, within(1e-4));
                }
            }
            // final LayerNorm (gain 1, bias 0 at init): each hidden state has mean 0
            for (int row = 0; row < 12; row++) {
                double mean = 0;
                for (int d = 0; d < 32; d++) {
                    mean += h[row * 32 + d];
                }
                assertThat(mean / 32).isCloseTo(0, within(1e-5));
            }
        }
    }
}
