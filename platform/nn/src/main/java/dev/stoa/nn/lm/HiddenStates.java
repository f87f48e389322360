package dev.stoa.nn.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.KeyValueCache;
import java.util.List;

/**
 * A {@link LanguageModel} that also returns its final hidden states, the vectors its LM head turns into logits
 * (contrastive search and MAGiC compare them across positions: {@link HiddenLanguageModelSteps}).
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
}
