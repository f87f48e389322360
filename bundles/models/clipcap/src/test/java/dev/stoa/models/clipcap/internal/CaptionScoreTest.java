package dev.stoa.models.clipcap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptionScoreTest {

    @Test
    void namesWholeWordsAndPlurals() {
        assertThat(CaptionScore.names("a red circle", "red")).isTrue();
        assertThat(CaptionScore.names("a red circle", "circle")).isTrue();
        assertThat(CaptionScore.names("three purple crosses", "cross")).isTrue();
        assertThat(CaptionScore.names("two blue stars", "star")).isTrue();
        assertThat(CaptionScore.names("a redder circle", "red")).isFalse();
        assertThat(CaptionScore.names("a green square", "red")).isFalse();
        assertThat(CaptionScore.names("a circ", "circle")).isFalse();
    }
}
