package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.dataset.Example;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random words in the answering model's corpus, and OCR's junk lines beside them. */
class CopyWordsTest {

    private static final Set<String> DATASET_WORDS = Set.of("STOP", "GO", "CAT", "DOG", "SUN", "BOX", "YES", "NO");

    @Test
    void aReplacedWordIsTheSameInOcrsTextTheCaptionAndTheAnswer() throws Exception {
        List<Example> examples = ShapesScenes.examples(80);
        SceneWriter writer = new SceneWriter(true, StageErrors.NONE);
        List<String> texts = new SceneQaCorpus(0, writer, new CopyWords(1.0)).texts(examples, new SplittableRandom(5));
        Set<String> words = new HashSet<>();
        int textQuestions = 0;
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            String original = examples.get(i).attributes().get("text");
            String ocr = t.substring(t.indexOf(" text: ") + 7, t.indexOf(".\nq: "));
            if (original == null) {
                assertThat(ocr).as("a scene without a word keeps none: %s", t).isEmpty();
                continue;
            }
            assertThat(ocr).as(t).matches("[A-Z]{2,8}");
            words.add(ocr);
            String caption = t.substring(t.indexOf("caption: ") + 9, t.indexOf(". text: "));
            if (caption.contains("word") || caption.contains("text")) {
                assertThat(caption)
                        .as("the caption quotes the same word: %s", t)
                        .contains(ocr);
            }
            String question = t.substring(t.indexOf("q: ") + 3, t.indexOf("\na: "));
            if (question.contains("word") || question.contains("text")) {
                textQuestions++;
                assertThat(t).as("the answer is the replaced word").endsWith("\na: " + ocr);
            }
        }
        assertThat(textQuestions).isPositive();
        assertThat(words).as("words the dataset never draws").hasSizeGreaterThan(20);
        assertThat(words.stream().filter(DATASET_WORDS::contains).count()).isLessThanOrEqualTo(1);
    }

    @Test
    void withProbabilityZeroTheCorpusIsTheOldOneAndAShareIsReplacedOtherwise() throws Exception {
        List<Example> examples = ShapesScenes.examples(200);
        SceneWriter writer = new SceneWriter(false, StageErrors.NONE);
        assertThat(new SceneQaCorpus(0, writer, CopyWords.NONE).texts(examples, new SplittableRandom(4)))
                .isEqualTo(new SceneQaCorpus(0, new SceneWriter(false, StageErrors.NONE))
                        .texts(examples, new SplittableRandom(4)));
        SplittableRandom random = new SplittableRandom(8);
        CopyWords half = new CopyWords(0.5);
        int withWord = 0;
        int replaced = 0;
        for (Example e : examples) {
            Example out = half.apply(e, random);
            assertThat(out.id()).isEqualTo(e.id());
            assertThat(out.attributes().get("colour")).isEqualTo(e.attributes().get("colour"));
            if (e.attributes().containsKey("text")) {
                withWord++;
                replaced += DATASET_WORDS.contains(out.attributes().get("text")) ? 0 : 1;
            } else {
                assertThat(out).isSameAs(e);
            }
        }
        assertThat((double) replaced / withWord).isBetween(0.3, 0.7);
    }

    @Test
    void junkLinesComeAtTheirRateBesideTheWordOrAlone() throws Exception {
        List<Example> examples = ShapesScenes.examples(300);
        SceneWriter writer = new SceneWriter(false, StageErrors.parse(Map.of("ocr", Map.of("junk", 0.5))));
        SplittableRandom random = new SplittableRandom(3);
        int junk = 0;
        for (Example e : examples) {
            String d = writer.noisy(e, random);
            String ocr = d.substring(d.indexOf(" text: ") + 7, d.lastIndexOf('.'));
            String word = e.attributes().get("text");
            boolean hasJunk = SceneWriter.JUNK.stream()
                    .anyMatch(j -> ocr.equals(j) || ocr.startsWith(j + ", ") || ocr.endsWith(", " + j));
            junk += hasJunk ? 1 : 0;
            if (word != null) {
                assertThat(ocr).as("the word is always read: %s", d).contains(word);
            }
            if (!hasJunk) {
                assertThat(ocr).isEqualTo(word == null ? "" : word);
            }
        }
        assertThat(junk / 300.0).isBetween(0.4, 0.6);
    }

    @Test
    void badSettingsNameTheOptionAndTheFix() {
        assertThatThrownBy(() -> CopyWords.parse("often")).hasMessageContaining("'random_words'");
        assertThatThrownBy(() -> CopyWords.parse(1.5)).hasMessageContaining("from 0 to 1");
        assertThatThrownBy(() -> StageErrors.parse(Map.of("ocr", Map.of("junk", 2))))
                .hasMessageContaining("stage_errors.ocr.junk");
        assertThat(CopyWords.word(new SplittableRandom(1))).matches("[A-Z]{2,8}");
    }
}
