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
 * what the cache saves and to check that both agree. Each state's arrays live in a sub-manager of the one given,
 * freed by {@link #release} (which {@code Decoding} calls as soon as a state is behind it) or when the caller closes
 * the manager at the end of the generation.
 */
public final class LanguageModelSteps implements StepFunction<LanguageModelSteps.State> {

    /**
     * One prefix as the model sees it.
     *
     * @param tokens every token so far, the prompt included
     * @param caches the per-layer key/value caches of all positions, or {@code null} without the cache
     * @param logits the next token's logits {@code (V)}
     * @param arrays where this state's arrays live; closed by {@link #release}
     */
    public record State(long[] tokens, List<KeyValueCache> caches, float[] logits, NDManager arrays) {}

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
        if (prefix != null
                && (prefix.getShape().dimension() != 3
                        || prefix.getShape().get(0) != 1
                        || prefix.getShape().get(2) != model.embeddingSize())) {
            throw new IllegalArgumentException(
                    "prefix must be (1, K, " + model.embeddingSize() + "), got " + prefix.getShape());
        }
    }

    @Override
    public State start(long[] prompt) {
        return run(prompt.clone(), prompt, prefix, null);
    }

    @Override
    public float[] logits(State state) {
        return state.logits();
    }

    @Override
    public State next(State state, long token) {
        long[] tokens = Arrays.copyOf(state.tokens(), state.tokens().length + 1);
        tokens[tokens.length - 1] = token;
        return cached ? run(tokens, new long[] {token}, null, state.caches()) : run(tokens, tokens, prefix, null);
    }

    /** Closes the state's own arrays: its cache (the next state holds a longer copy) and the step's intermediates. */
    @Override
    public void release(State state) {
        state.arrays().close();
    }

    /** Runs the model on {@code input} in a manager of its own, which then holds only what the new state keeps. */
    private State run(long[] tokens, long[] input, NDArray prefixEmbeddings, List<KeyValueCache> past) {
        NDManager arrays = manager.newSubManager();
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = step.create(input, new Shape(1, input.length));
            TransformerStack.CachedOutput out = model.forwardWithCache(parameters, ids, prefixEmbeddings, past, false);
            float[] logits = out.output().get(new NDIndex(":, -1, :")).toFloatArray();
            if (!cached) {
                return new State(tokens, null, logits, arrays);
            }
            // a concatenated cache joins the manager of the cache it extends: move it to this state's own
            for (KeyValueCache c : out.caches()) {
                c.keys().attach(arrays);
                c.values().attach(arrays);
            }
            return new State(tokens, out.caches(), logits, arrays);
        }
    }

    @Override
    public int maxSequenceLength() {
        return model.maxSequenceLength()
                - (prefix == null ? 0 : (int) prefix.getShape().get(1));
    }
}
