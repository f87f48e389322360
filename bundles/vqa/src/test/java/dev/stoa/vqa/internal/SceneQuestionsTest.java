package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SceneQuestionsTest {

    private static Example scene(String colour, String shape, int count, String text) {
        Map<String, String> a = new java.util.LinkedHashMap<>(
                Map.of("colour", colour, "shape", shape, "count", Integer.toString(count)));
        if (text != null) {
            a.put("text", text);
        }
        return new Example("test/0", new Image(1, 1, new byte[3]), List.of("a caption"), colour + " " + shape, a);
    }

    @Test
    void eachTypeIsAnsweredFromTheAttributes() {
        List<SceneQuestion> qs = SceneQuestions.of(scene("red", "circle", 2, "STOP"), new SplittableRandom(1));
        assertThat(qs).extracting(SceneQuestion::type).containsExactly("colour", "shape", "count", "text");
        assertThat(qs).extracting(SceneQuestion::answer).containsExactly("red", "circle", "two", "STOP");
        assertThat(qs.get(0).question()).containsAnyOf("colour", "color");
        assertThat(qs.get(2).question()).containsAnyOf("many", "number");
    }

    @Test
    void sceneWithoutAWordGetsNoTextQuestion() {
        assertThat(SceneQuestions.of(scene("blue", "star", 1, null), new SplittableRandom(1)))
                .extracting(SceneQuestion::type)
                .containsExactly("colour", "shape", "count");
    }

    @Test
    void sameSeedSameWordings() {
        Example e = scene("green", "square", 3, "GO");
        for (long seed = 0; seed < 5; seed++) {
            assertThat(SceneQuestions.of(e, new SplittableRandom(seed)))
                    .isEqualTo(SceneQuestions.of(e, new SplittableRandom(seed)));
        }
    }

    @Test
    void exampleWithoutShapeAttributesIsRefusedWithTheFix() {
        Example bare = new Example("x/1", new Image(1, 1, new byte[3]), List.of("a cat"), null, Map.of());
        assertThatThrownBy(() -> SceneQuestions.of(bare, new SplittableRandom(0)))
                .hasMessageContaining("'colour'")
                .hasMessageContaining("'shapes' dataset");
    }

    @Test
    void answersAreScoredByTheirFirstWordCaseAndPunctuationIgnored() {
        SceneQuestion q = new SceneQuestion("text", "What word is written in the image?", "STOP");
        assertThat(q.isAnsweredBy(" stop")).isTrue();
        assertThat(q.isAnsweredBy("Stop.\nq: more")).isTrue();
        assertThat(q.isAnsweredBy("stops")).isFalse();
        assertThat(q.isAnsweredBy("")).isFalse();
        assertThat(new SceneQuestion("count", "How many?", "two").isAnsweredBy("two red circles"))
                .isTrue();
    }
}
