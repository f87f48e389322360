package dev.stoa.models.gpt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A long prompt is cut to the model's window before it is tokenized, never split inside a character. */
class GptPromptTailTest {

    @Test
    void onlyTheLastWindowOfCharactersIsTokenized() {
        assertThat(GptGenerator.tail("short", 64)).isEqualTo("short");
        String huge = "a".repeat(1_000_000) + "the end";
        assertThat(GptGenerator.tail(huge, 64)).hasSize(64).endsWith("the end");
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        String cut = GptGenerator.tail("x" + emoji + "y".repeat(63), 64);
        assertThat(cut).startsWith(emoji).endsWith("y");
    }
}
