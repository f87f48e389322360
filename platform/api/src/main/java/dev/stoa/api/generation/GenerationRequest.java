package dev.stoa.api.generation;

import dev.stoa.api.StoaException;
import java.util.Objects;

/**
 * A prompt to continue, and how.
 *
 * @param prompt the text to continue (a completion prompt, or the user message for chat models); may be empty
 * @param options how to decode
 */
public record GenerationRequest(String prompt, GenerationOptions options) {

    /**
     * @throws StoaException {@code BAD_INPUT} naming {@code prompt} if it is missing
     */
    public GenerationRequest {
        if (prompt == null) {
            throw StoaException.badInput("prompt", "is missing; send the text to continue");
        }
        options = Objects.requireNonNullElse(options, GenerationOptions.GREEDY);
    }

    /** @param prompt the text to continue, decoded greedily */
    public GenerationRequest(String prompt) {
        this(prompt, GenerationOptions.GREEDY);
    }
}
