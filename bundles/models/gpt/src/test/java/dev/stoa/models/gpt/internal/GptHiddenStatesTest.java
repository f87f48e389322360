package dev.stoa.models.gpt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.lm.HiddenLanguageModelSteps;
import dev.stoa.nn.lm.HiddenStates;
import dev.stoa.nn.lm.LanguageModelSteps;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decoder's final hidden states, which contrastive search and MAGiC compare: with tied embeddings the logits are
 * {@code h Eᵀ}, the cached step function shows the same logits as {@link LanguageModelSteps}, and each position's
 * hidden state is the last row of the whole sequence's.
 */
class GptHiddenStatesTest {

    private static final Map<String, Object> TINY = Map.of("context_length", 16, "width", 32, "layers", 2, "heads", 2);

    @Test
    void logitsAreTheHiddenStatesTimesTheTiedEmbeddings() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            GptDecoder d = (GptDecoder) new GptFactory().create(TINY);
            d.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ids = m.create(new long[] {0, 70, 71, 72, 73}, new Shape(1, 5));
            HiddenStates.Output out = d.forwardWithHidden(ps, ids, null, null, false);
            assertThat(out.hidden().getShape()).isEqualTo(new Shape(1, 5, 32));
            NDArray table = d.getParameters().get("token_embedding").getArray();
            NDArray expected = out.hidden().matMul(table.transpose());
            assertThat(expected.sub(out.logits()).abs().max().getFloat()).isLessThan(1e-4f);
            NDArray plain = d.forwardWithCache(ps, ids, null, null, false).output();
            assertThat(plain.sub(out.logits()).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    @Test
    void theWholeSequencePassIsForwardsLogitsWithTheFinalNormsStates() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            GptDecoder d = (GptDecoder) new GptFactory().create(TINY);
            d.initialize(m, DataType.FLOAT32, new Shape(2, 4));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ids = m.create(new long[] {0, 70, 71, 72, 0, 90, 91, 92}, new Shape(2, 4));
            NDList out = d.forwardHidden(ps, ids, false);
            NDArray forward = d.forward(ps, new NDList(ids), false).head();
            assertThat(out.get(0).sub(forward).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 4, 32));
            // the final norm's output: each position's state has mean 0 before the norm's learned scale and shift
            // (initialised to 1 and 0)
            assertThat(out.get(1).mean(new int[] {2}).abs().max().getFloat()).isLessThan(1e-4f);
        }
    }

    @Test
    void stepsShowTheSameLogitsAsLanguageModelStepsAndTheLastPositionsHiddenState() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            GptDecoder d = (GptDecoder) new GptFactory().create(TINY);
            d.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            HiddenLanguageModelSteps hidden = new HiddenLanguageModelSteps(d, m);
            LanguageModelSteps plain = new LanguageModelSteps(d, m, null, true);
            long[] tokens = {0, 80, 81, 82, 83, 84};
            var h = hidden.start(new long[] {tokens[0]});
            var p = plain.start(new long[] {tokens[0]});
            for (int i = 1; i < tokens.length; i++) {
                h = hidden.next(h, tokens[i]);
                p = plain.next(p, tokens[i]);
                float[] a = hidden.logits(h);
                float[] b = plain.logits(p);
                for (int v = 0; v < a.length; v++) {
                    assertThat(a[v]).isCloseTo(b[v], org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
            // the cached state's hidden state is the last row of the whole sequence's, run at once
            NDArray whole = d.forwardWithHidden(
                            new ParameterStore(m, false),
                            m.create(tokens, new Shape(1, tokens.length)),
                            null,
                            null,
                            false)
                    .hidden();
            float[] last = whole.get("0, -1, :").toFloatArray();
            float[] stepped = hidden.hidden(h);
            assertThat(stepped).hasSize(32);
            for (int i = 0; i < last.length; i++) {
                assertThat(stepped[i]).isCloseTo(last[i], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }
}
