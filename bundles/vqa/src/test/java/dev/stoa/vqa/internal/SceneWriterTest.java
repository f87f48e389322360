package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Example;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Descriptions as the pipeline's stages would write them, with and without their errors (real shapes scenes). */
class SceneWriterTest {

    @Test
    void withoutErrorsTheCaptionNamesColourShapeCountAndWord() throws Exception {
        SceneWriter writer = new SceneWriter(true, StageErrors.NONE);
        SplittableRandom random = new SplittableRandom(1);
        for (Example e : ShapesScenes.examples(60)) {
            Map<String, String> a = e.attributes();
            String d = writer.noisy(e, random);
            String caption = d.substring(d.indexOf("caption: ") + 9, d.indexOf(". text: "));
            int count = Integer.parseInt(a.get("count"));
            assertThat(caption)
                    .as(d)
                    .contains(a.get("colour"))
                    .contains(count == 1 ? a.get("shape") : SceneWriter.plural(a.get("shape")));
            if (count > 1) {
                assertThat(caption).as(d).contains(SceneQuestions.NUMBERS.get(count));
            }
            if (a.get("text") != null) {
                // as in the dataset, some forms quote the word and some do not
                if (caption.contains("word") || caption.contains("text")) {
                    assertThat(caption).as(d).contains(a.get("text"));
                }
                assertThat(d).endsWith("text: " + a.get("text") + ".\n");
            } else {
                assertThat(caption).as(d).doesNotContain("word").doesNotContain("text");
            }
            assertThat(d)
                    .startsWith("scene: " + a.get("colour") + " " + a.get("shape") + ". count: "
                            + SceneQuestions.NUMBERS.get(count) + ". caption: ");
        }
    }

    @Test
    void errorsComeAtTheirRatesAndOnlyWhereAsked() throws Exception {
        SceneWriter writer = new SceneWriter(
                false, StageErrors.parse(Map.of("tags", Map.of("shape", 0.3), "count", Map.of("count", 1.0))));
        SplittableRandom random = new SplittableRandom(2);
        List<Example> examples = ShapesScenes.examples(2000);
        int wrongShape = 0;
        int seen = 0;
        for (Example e : examples) {
            Map<String, String> a = e.attributes();
            String d = writer.noisy(e, random);
            String shape = d.substring(d.indexOf(' ', 7) + 1, d.indexOf(". count"));
            String count = d.substring(d.indexOf("count: ") + 7, d.indexOf(". text"));
            wrongShape += shape.equals(a.get("shape")) ? 0 : 1;
            assertThat(d).as("colour has no error rate").startsWith("scene: " + a.get("colour") + " ");
            if (++seen > 20) { // by then the writer has seen every count to draw a wrong one from
                assertThat(count)
                        .as("count is always wrong")
                        .isNotEqualTo(SceneQuestions.NUMBERS.get(Integer.parseInt(a.get("count"))));
            }
        }
        // the first scenes cannot be wrong yet (no other shape seen); 0.3 of 2000 is 600 +- 3 sigma (62)
        assertThat(wrongShape).isBetween(530, 670);
    }

    @Test
    void cleanDescriptionsIgnoreTheErrors() throws Exception {
        SceneWriter writer = new SceneWriter(false, StageErrors.parse(Map.of("tags", Map.of("colour", 1.0))));
        for (Example e : ShapesScenes.examples(20)) {
            assertThat(writer.clean(e, new SplittableRandom(0))).isEqualTo(SceneText.description(e));
        }
    }

    @Test
    void badRatesNameTheField() {
        assertThatThrownBy(() -> StageErrors.parse(Map.of("tag", Map.of("shape", 0.1))))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("stage_errors.tag is not a stage");
        assertThatThrownBy(() -> StageErrors.parse(Map.of("count", Map.of("shape", 0.1))))
                .hasMessageContaining("stage_errors.count.shape is not something stage 'count' reports");
        assertThatThrownBy(() -> StageErrors.parse(Map.of("ocr", Map.of("text", 1.5))))
                .hasMessageContaining("stage_errors.ocr.text is '1.5'; write a rate from 0 to 1");
        assertThatThrownBy(() -> StageErrors.parse("lots")).hasMessageContaining("stage_errors is 'lots'");
    }

    @Test
    void pluralsOfTheShapes() {
        assertThat(SceneWriter.plural("cross")).isEqualTo("crosses");
        assertThat(SceneWriter.plural("circle")).isEqualTo("circles");
    }
}
