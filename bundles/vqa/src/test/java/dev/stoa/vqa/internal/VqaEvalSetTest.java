package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluation set over the real shapes dataset. */
class VqaEvalSetTest {

    private final VqaEvalSetService service = new VqaEvalSetService(new ShapesDatasetFactory());

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> items(Map<String, Object> request) {
        return (List<Map<String, Object>>) service.call(request).get("items");
    }

    @Test
    void questionsAreDeterministicHeldOutAndAnsweredByTheScene() {
        List<VqaEvalSet.Item> set = VqaEvalSet.make(new ShapesDatasetFactory(), 120, 5, 32);
        assertThat(set).hasSize(120);
        assertThat(set).allMatch(i -> i.example().id().startsWith("test/"));
        assertThat(set).extracting(i -> i.question().type()).contains("colour", "shape", "count", "text");
        for (VqaEvalSet.Item i : set) {
            Map<String, String> a = i.example().attributes();
            String expected = switch (i.question().type()) {
                case "count" -> SceneQuestions.NUMBERS.get(Integer.parseInt(a.get("count")));
                default -> a.get(i.question().type());
            };
            assertThat(i.question().answer()).isEqualTo(expected);
        }
        assertThat(set)
                .anyMatch(i -> !i.question().answer().equals("one")
                        && i.question().type().equals("count"));
        List<VqaEvalSet.Item> again = VqaEvalSet.make(new ShapesDatasetFactory(), 120, 5, 32);
        assertThat(again)
                .extracting(VqaEvalSet.Item::id)
                .isEqualTo(set.stream().map(VqaEvalSet.Item::id).toList());
        assertThat(again)
                .extracting(VqaEvalSet.Item::question)
                .isEqualTo(set.stream().map(VqaEvalSet.Item::question).toList());
        assertThat(VqaEvalSet.make(new ShapesDatasetFactory(), 120, 6, 32))
                .extracting(VqaEvalSet.Item::question)
                .isNotEqualTo(set.stream().map(VqaEvalSet.Item::question).toList());
    }

    @Test
    void serviceSendsImagesAsPngOfTheAskedSize() {
        List<Map<String, Object>> items = items(Map.of("n", 6, "seed", 1, "image_size", 48));
        assertThat(items).hasSize(6);
        Image img =
                Image.decode(Base64.getDecoder().decode((String) items.get(0).get("image")));
        assertThat(img.width()).isEqualTo(48);
        assertThat(items.get(0)).containsKeys("id", "type", "question", "answer");
    }

    @Test
    void badSizeNamesTheField() {
        assertThatThrownBy(() -> items(Map.of("n", 0)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("n")
                .hasMessageContaining("1 to 10000");
        assertThatThrownBy(() -> items(Map.of("image_size", 2.5))).hasMessageContaining("image_size");
    }
}
