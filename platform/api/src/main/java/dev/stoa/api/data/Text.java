package dev.stoa.api.data;

import dev.stoa.api.StoaException;

/**
 * A piece of natural-language text: a prompt, a caption, a question, an answer.
 *
 * @param value the text, never {@code null}
 */
public record Text(String value) {

    public Text {
        if (value == null) {
            throw StoaException.badInput("text", "is missing; send a string");
        }
    }
}
