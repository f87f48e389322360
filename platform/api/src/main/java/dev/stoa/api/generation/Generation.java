package dev.stoa.api.generation;

import java.util.Objects;

/**
 * Generated text. Its JSON form has {@code text} first, so it also reads as a {@code Text} in a pipeline.
 *
 * @param text the new text only (not the prompt), without any stop sequence
 * @param tokenCount how many tokens the model produced for it (an end-of-text token not included)
 * @param finishReason why generation ended
 * @param model the model that produced it (a {@code stoa.id} or the remote server's model name)
 * @param trained whether the model's weights were trained; {@code false} for a platform model still serving its
 *     random initial weights, whose text is meaningless
 */
public record Generation(String text, int tokenCount, FinishReason finishReason, String model, boolean trained) {

    public Generation {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(model, "model");
        if (tokenCount < 0) {
            throw new IllegalArgumentException("token count " + tokenCount + " is negative");
        }
    }
}
