package dev.stoa.nn.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.decode.HiddenStepFunction;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link HiddenStates} language model as a {@link HiddenStepFunction} for one sequence ({@code B = 1}), decoding
 * incrementally with the key/value cache as {@link LanguageModelSteps} does: each state holds its last token's logits
 * and final hidden state. Each state's arrays live in a sub-manager of the one given, freed by {@link #release} or
 * when the caller closes that manager.
 */
public final class HiddenLanguageModelSteps implements HiddenStepFunction<HiddenLanguageModelSteps.State> {

    /**
     * One prefix as the model sees it.
     *
     * @param tokens every token so far, the prompt included
     * @param caches the per-layer key/value caches of all positions
     * @param logits the next token's logits {@code (V)}
     * @param hidden the last token's final hidden state {@code (D)}
     * @param arrays where this state's arrays live; closed by {@link #release}
     */
    public record State(long[] tokens, List<KeyValueCache> caches, float[] logits, float[] hidden, NDManager arrays) {}

    private final HiddenStates model;
    private final NDManager manager;
    private final ParameterStore parameters;

    /**
     * @param model an initialised model
     * @param manager where this generation's arrays live
     */
    public HiddenLanguageModelSteps(HiddenStates model, NDManager manager) {
        this.model = model;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
    }

    @Override
    public State start(long[] prompt) {
        return run(prompt.clone(), prompt, null);
    }

    @Override
    public float[] logits(State state) {
        return state.logits();
    }

    @Override
    public float[] hidden(State state) {
        return state.hidden();
    }

    @Override
    public State next(State state, long token) {
        long[] tokens = Arrays.copyOf(state.tokens(), state.tokens().length + 1);
        tokens[tokens.length - 1] = token;
        return run(tokens, new long[] {token}, state.caches());
    }

    @Override
    public void release(State state) {
        state.arrays().close();
    }

    private State run(long[] tokens, long[] input, List<KeyValueCache> past) {
        NDManager arrays = manager.newSubManager();
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = step.create(input, new Shape(1, input.length));
            HiddenStates.Output out = model.forwardWithHidden(parameters, ids, null, past, false);
            float[] logits = out.logits().get(new NDIndex(":, -1, :")).toFloatArray();
            float[] hidden = out.hidden().get(new NDIndex(":, -1, :")).toFloatArray();
            for (KeyValueCache c : out.caches()) {
                c.keys().attach(arrays);
                c.values().attach(arrays);
            }
            return new State(tokens, out.caches(), logits, hidden, arrays);
        }
    }

    @Override
    public int maxSequenceLength() {
        return model.maxSequenceLength();
    }
}
