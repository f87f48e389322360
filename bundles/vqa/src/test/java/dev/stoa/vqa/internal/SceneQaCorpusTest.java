package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.Example;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The training text, from the real shapes dataset with counts and words. */
class SceneQaCorpusTest {

    @Test
    void eachTextDescribesItsSceneAndEndsWithACorrectAnswer() throws Exception {
        List<Example> examples = ShapesScenes.examples(40);
        List<String> texts = new SceneQaCorpus(0).texts(examples, new SplittableRandom(3));
        assertThat(texts).hasSize(40);
        for (int i = 0; i < texts.size(); i++) {
            Map<String, String> a = examples.get(i).attributes();
            String t = texts.get(i);
            String count = SceneQuestions.NUMBERS.get(Integer.parseInt(a.get("count")));
            assertThat(t)
                    .startsWith("scene: " + a.get("colour") + " " + a.get("shape") + ". count: " + count + ". text: "
                            + a.getOrDefault("text", "") + ".\nq: ");
            String question = t.substring(t.indexOf("q: ") + 3, t.indexOf("\na: "));
            String answer = t.substring(t.indexOf("\na: ") + 4);
            String expected = question.contains("colo")
                    ? a.get("colour")
                    : question.contains("many") || question.contains("number")
                            ? count
                            : question.contains("shape") && !question.contains("text") ? a.get("shape") : a.get("text");
            assertThat(answer).as(t).isEqualTo(expected);
        }
        // the corpus has words and several counts to learn from
        assertThat(texts).anyMatch(t -> t.contains("count: three")).anyMatch(t -> t.matches("(?s).*text: [A-Z]+\\..*"));
    }

    @Test
    void sameSeedSameTextAndFewShotBlocksComeFromOtherScenes() throws Exception {
        List<Example> examples = ShapesScenes.examples(20);
        List<String> a = new SceneQaCorpus(1).texts(examples, new SplittableRandom(9));
        assertThat(new SceneQaCorpus(1).texts(examples, new SplittableRandom(9)))
                .isEqualTo(a);
        for (String t : a) {
            long blocks = t.lines().filter(l -> l.startsWith("scene: ")).count();
            assertThat(blocks).as(t).isBetween(2L, 3L);
            // the last block is this example's; the ones before are solved
            assertThat(t.split("\na: ")).hasSize((int) blocks + 1);
        }
    }

    @Test
    void promptIsTheTextUpToTheAnswer() {
        String d = SceneText.description("red circle", "two", "STOP");
        SceneQuestion q = new SceneQuestion("colour", "What colour is the shape?", "red");
        assertThat(SceneText.prompt(d, q.question()))
                .isEqualTo("scene: red circle. count: two. text: STOP.\nq: What colour is the shape?\na:");
        assertThat(SceneText.solved(d, q)).isEqualTo(SceneText.prompt(d, q.question()) + " red\n");
        assertThat(SceneText.description("red circle", "one", null))
                .isEqualTo("scene: red circle. count: one. text: .\n");
    }
}
