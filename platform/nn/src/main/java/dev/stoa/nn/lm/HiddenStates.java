package dev.stoa.nn.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.KeyValueCache;
import java.util.List;

/**
 * A {@link LanguageModel} that also gives the hidden states its head reads, the vectors its LM head turns into
 * logits, so a model can build on a frozen language model rather than only on its logits (VC-GPT's fusion module
 * reads GPT's last hidden states) and a decoding strategy can compare them across positions (contrastive search and
 * MAGiC: {@link HiddenLanguageModelSteps}):
 *
 * <pre>
 * h      = LN_final(Transformer(E[ids] + P))      (B, T, D)   the last hidden states
 * logits = head(h)                                (B, T, V)   what {@code forward([ids])} returns
 * </pre>
 */
public interface HiddenStates extends LanguageModel {

    /**
     * What {@link LanguageModel#forwardWithCache} returns, with the hidden states beside the logits.
     *
     * @param logits {@code (B, T, V)} of the new tokens
     * @param hidden {@code (B, T, D)}: the last layer's output of the new tokens after the final norm
     * @param caches the extended per-layer caches
     */
    record Output(NDArray logits, NDArray hidden, List<KeyValueCache> caches) {}

    /**
     * {@link LanguageModel#forwardWithCache}, with the hidden states.
     *
     * @see LanguageModel#forwardWithCache
     */
    Output forwardWithHidden(
            ParameterStore parameterStore, NDArray ids, NDArray prefix, List<KeyValueCache> past, boolean training);

    /**
     * One pass over whole sequences, with the causal mask, from position 0.
     *
     * @param parameterStore where the parameters are read
     * @param ids {@code (B, T)} int64
     * @param training whether gradients are recorded
     * @return {@code [logits (B, T, V), hidden (B, T, D)]}; the logits equal {@code forward([ids])}'s
     */
    default NDList forwardHidden(ParameterStore parameterStore, NDArray ids, boolean training) {
        Output out = forwardWithHidden(parameterStore, ids, null, null, training);
        return new NDList(out.logits(), out.hidden());
    }
}
