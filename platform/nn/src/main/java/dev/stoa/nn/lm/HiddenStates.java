package dev.stoa.nn.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

/**
 * A {@link LanguageModel} that also gives the hidden states its head reads, so a model can build on top of a frozen
 * language model rather than only on its logits (VC-GPT's fusion module reads GPT's last hidden states):
 *
 * <pre>
 * h      = LN_final(Transformer(E[ids] + P))      (B, T, D)   the last hidden states
 * logits = head(h)                                (B, T, V)   what {@code forward([ids])} returns
 * </pre>
 */
public interface HiddenStates {

    /**
     * One pass over whole sequences, with the causal mask, from position 0.
     *
     * @param parameterStore where the parameters are read
     * @param ids {@code (B, T)} int64
     * @param training whether gradients are recorded
     * @return {@code [logits (B, T, V), hidden (B, T, D)]}; the logits equal {@code forward([ids])}'s
     */
    NDList forwardHidden(ParameterStore parameterStore, NDArray ids, boolean training);
}
