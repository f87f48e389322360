package dev.stoa.nn.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.decode.StepFunction;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link LanguageModel} as a {@link StepFunction} for one sequence ({@code B = 1}), optionally after a prefix of
 * embeddings. With the cache, each step runs the model on the one new token against the cached keys and values of
 * the earlier positions: O(L) work a step. Without, each step runs the whole sequence again: O(L²), kept to measure
 * what the cache saves and to check that both agree. Every array lives in the manager given, which the caller closes
 * when the generation ends.
 */
public final class LanguageModelSteps implements StepFunction<LanguageModelSteps.State> {

    /**
     * One prefix as the model sees it.
     *
     * @param tokens every token so far, the prompt included
     * @param caches the per-layer key/value caches of all positions, or {@code null} without the cache
     * @param logits the next token's logits {@code (V)}
     */
    public record State(long[] tokens, List<KeyValueCache> caches, float[] logits) {
    }

    private final LanguageModel model;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final NDArray prefix;
    private final boolean cached;

    /**
     * @param model an initialised model
     * @param manager where this generation's arrays live
     * @param prefix {@code (1, K, D)} embeddings before the tokens, or {@code null}
     * @param cached whether to decode incrementally with the key/value cache
     */
    public LanguageModelSteps(LanguageModel model, NDManager manager, NDArray prefix, boolean cached) {
        this.model = model;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
        this.prefix = prefix;
        this.cached = cached;
        if (prefix != null && (prefix.getShape().dimension() != 3 || prefix.getShape().get(0) != 1
                || prefix.getShape().get(2) != model.embeddingSize())) {
            throw new IllegalArgumentException("prefix must be (1, K, " + model.embeddingSize() + "), got "
                    + prefix.getShape());
        }
    }

    @Override
    public State start(long[] prompt) {
        TransformerStack.CachedOutput out = model.forwardWithCache(parameters, ids(prompt), prefix, null, false);
        return new State(prompt.clone(), cached ? out.caches() : null, last(out.output()));
    }

    @Override
    public float[] logits(State state) {
        return state.logits();
    }

    @Override
    public State next(State state, long token) {
        long[] tokens = Arrays.copyOf(state.tokens(), state.tokens().length + 1);
        tokens[tokens.length - 1] = token;
        if (!cached) {
            TransformerStack.CachedOutput out = model.forwardWithCache(parameters, ids(tokens), prefix, null, false);
            return new State(tokens, null, last(out.output()));
        }
        TransformerStack.CachedOutput out = model.forwardWithCache(parameters, ids(new long[] {token}), null,
                state.caches(), false);
        return new State(tokens, out.caches(), last(out.output()));
    }

    @Override
    public int maxSequenceLength() {
        return model.maxSequenceLength() - (prefix == null ? 0 : (int) prefix.getShape().get(1));
    }

    private NDArray ids(long[] tokens) {
        return manager.create(tokens, new Shape(1, tokens.length));
    }

    private static float[] last(NDArray logits) {
        return logits.get(new NDIndex(":, -1, :")).toFloatArray();
    }
}
