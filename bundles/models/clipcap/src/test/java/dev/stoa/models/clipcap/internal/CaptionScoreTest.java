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

    @Test
    void countsNeedTheirNumberWordAndOneCopyNoneAboveOne() {
        assertThat(CaptionScore.counts("two red circles", 2)).isTrue();
        assertThat(CaptionScore.counts("a photo of three blue stars.", 3)).isTrue();
        assertThat(CaptionScore.counts("two red circles", 3)).isFalse();
        assertThat(CaptionScore.counts("red circles", 2)).isFalse();
        assertThat(CaptionScore.counts("a red circle with the text \"STOP\"", 1))
                .isTrue();
        assertThat(CaptionScore.counts("there is one red circle", 1)).isTrue();
        assertThat(CaptionScore.counts("three red circles", 1)).isFalse();
    }
}
