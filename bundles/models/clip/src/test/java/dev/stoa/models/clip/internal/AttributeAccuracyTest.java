package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeAccuracyTest {

    private static Example shape(String colour, String shape, String count) {
        return new Example(
                colour + shape,
                new Image(1, 1, new byte[3]),
                List.of("a " + colour + " " + shape),
                colour + " " + shape,
                Map.of("colour", colour, "shape", shape, "count", count, "size", "small"));
    }

    @Test
    void countsEachAttributeOfTheLabelApart() {
        List<Example> examples = List.of(
                shape("green", "triangle", "1"),
                shape("green", "triangle", "1"),
                shape("blue", "star", "1"),
                shape("red", "cross", "1"));
        // a shape error, a colour error, right, both wrong
        List<String> predicted = List.of("green square", "red triangle", "blue star", "yellow circle");

        Map<String, Double> accuracy = AttributeAccuracy.of(examples, predicted);

        // colour right in 1 (green square) + 3 (blue star) = 2 of 4; shape right in 2 and 3 = 2 of 4; count and size
        // are no words of the labels, so they are not counted
        assertThat(accuracy).containsExactly(Map.entry("colour", 0.5), Map.entry("shape", 0.5));
    }

    @Test
    void aWordOfAnotherAttributeIsNoMatch() {
        // the predicted label must hold the value as a whole word: "red" is not in "reddish circle"
        Map<String, Double> accuracy =
                AttributeAccuracy.of(List.of(shape("red", "circle", "1")), List.of("reddish circle"));
        assertThat(accuracy).containsEntry("colour", 0.0).containsEntry("shape", 1.0);
    }

    @Test
    void onePredictionPerExample() {
        assertThatThrownBy(() -> AttributeAccuracy.of(List.of(shape("red", "circle", "1")), List.of()))
                .hasMessageContaining("1 examples but 0 predictions");
    }
}
