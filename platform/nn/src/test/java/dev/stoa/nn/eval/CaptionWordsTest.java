package dev.stoa.nn.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.dataset.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptionWordsTest {

    private static Example scene(String colour, String shape, int count) {
        return new Example(
                colour + "-" + shape,
                new dev.stoa.api.data.Image(1, 1, new byte[3]),
                List.of(count + " " + colour + " " + shape),
                colour + " " + shape,
                Map.of("colour", colour, "shape", shape, "count", Integer.toString(count)));
    }

    @Test
    void wordsCountAsWholeWordsWithTheirPlurals() {
        assertThat(CaptionWords.names("two red crosses", "cross")).isTrue();
        assertThat(CaptionWords.names("a redder circle", "red")).isFalse();
        assertThat(CaptionWords.counts("a red circle", 1)).isTrue();
        assertThat(CaptionWords.counts("two red circles", 1)).isFalse();
        assertThat(CaptionWords.counts("three blue stars", 3)).isTrue();
        assertThat(CaptionWords.names("two blue stars", "star")).isTrue();
        assertThat(CaptionWords.names("a green square", "red")).isFalse();
        assertThat(CaptionWords.names("a circ", "circle")).isFalse();
        assertThat(CaptionWords.counts("two red circles", 3)).isFalse();
        assertThat(CaptionWords.counts("red circles", 2)).isFalse();
        assertThat(CaptionWords.counts("a red circle with the text \"STOP\"", 1))
                .isTrue();
        assertThat(CaptionWords.counts("there is one red circle", 1)).isTrue();
        assertThat(CaptionWords.counts("a photo of three blue stars.", 3)).isTrue();
    }

    @Test
    void scoreGivesTheFourFractionsUnderThePrefixAndSplit() {
        List<Example> examples =
                List.of(scene("red", "circle", 2), scene("blue", "star", 1), scene("green", "cross", 3));
        List<String> captions = List.of("two red circles", "a blue square", "green crosses");
        Map<String, Double> score = CaptionWords.score(examples, captions, "lm_", "test");
        assertThat(score)
                .containsExactly(
                        Map.entry("lm_caption_colour_shape_accuracy/test", 2 / 3.0),
                        Map.entry("lm_caption_colour_accuracy/test", 1.0),
                        Map.entry("lm_caption_shape_accuracy/test", 2 / 3.0),
                        Map.entry("lm_caption_count_accuracy/test", 2 / 3.0));
        assertThatThrownBy(() -> CaptionWords.score(examples, List.of("a red circle"), "", "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 examples but 1 captions");
    }
}
