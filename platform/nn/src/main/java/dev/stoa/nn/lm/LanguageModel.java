package dev.stoa.nn.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.List;

/**
 * A causal language model as a DJL block: {@code forward([ids (B, T) int64])} or
 * {@code forward([ids, prefix (B, K, D) float32])} returns {@code [logits (B, T, V)]}, where {@code logits[:, t]}
 * scores the token after {@code ids[:, t]} given the prefix and {@code ids[:, 0..t]} (ClipCap puts K embeddings of an
 * image before the tokens). Positions count from the prefix: {@code K + T <= } {@link #maxSequenceLength()}. For
 * training with token cross-entropy, compare {@code logits[:, :-1]} with {@code ids[:, 1:]} (the {@code captioning}
 * loss does this shift itself).
 */
public interface LanguageModel extends Block {

    /** @return V, the number of token ids */
    int vocabularySize();

    /** @return L, the most positions (prefix and tokens) one sequence may have */
    int maxSequenceLength();

    /** @return D, the width of token embeddings, and of prefix vectors */
    int embeddingSize();

    /**
     * The forward pass over T new tokens after the positions held by {@code past}, for incremental decoding.
     * {@code forwardWithCache(ids, prefix, null)} followed by {@code forwardWithCache(next, null, caches)} gives,
     * for {@code next}, the logits that {@code forward} gives at those positions of the whole sequence.
     *
     * @param parameterStore where the parameters are read
     * @param ids the new tokens, {@code (B, T)} int64
     * @param prefix {@code (B, K, D)} prefix embeddings before the first tokens, or {@code null}; only without
     *     {@code past}
     * @param past the caches of a previous call (one per layer), or {@code null} at the start
     * @param training whether gradients are recorded
     * @return {@code logits (B, T, V)} of the new tokens and the extended caches
     */
    TransformerStack.CachedOutput forwardWithCache(
            ParameterStore parameterStore, NDArray ids, NDArray prefix, List<KeyValueCache> past, boolean training);
}
