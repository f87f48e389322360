package dev.stoa.nn.decode;

/**
 * A {@link StepFunction} that also shows the model's representation of the last token of a state: the final hidden
 * state (for a transformer decoder, the output of its last layer after the final norm, before the LM head), which
 * contrastive search compares across positions ({@link MagicSearch}).
 *
 * @param <S> the state type
 */
public interface HiddenStepFunction<S> extends StepFunction<S> {

    /**
     * @param state a state from {@link #start} or {@link #next}
     * @return the hidden state {@code (D)} of the state's last token; not modified by the caller
     */
    float[] hidden(S state);
}
