package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.StoaException;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class VqaScoreTest {

    @Test
    @SuppressWarnings("unchecked")
    void countsRightAnswersPerTypeAndOverall() {
        List<VqaEvalSet.Item> set = VqaEvalSet.make(new ShapesDatasetFactory(), 60, 2, 16);
        Map<String, Object> answers = new HashMap<>();
        int[] expectedColour = new int[2];
        int right = 0;
        for (int i = 0; i < set.size(); i++) {
            VqaEvalSet.Item item = set.get(i);
            // every colour and shape question right (in upper case with a full stop), every other one wrong,
            // except that one in three items gets no answer at all
            boolean answerRight = item.question().type().equals("colour")
                    || item.question().type().equals("shape");
            if (i % 3 != 0 || answerRight) {
                answers.put(
                        item.id(), answerRight ? " " + item.question().answer().toUpperCase() + "." : "purple");
            }
            right += answerRight ? 1 : 0;
            if (item.question().type().equals("colour")) {
                expectedColour[0]++;
                expectedColour[1]++;
            }
        }
        Map<String, Object> s = VqaScore.score(set, answers);
        Map<String, Map<String, Object>> byType = (Map<String, Map<String, Object>>) s.get("by_type");
        assertThat(byType.get("colour"))
                .containsEntry("correct", expectedColour[0])
                .containsEntry("total", expectedColour[1])
                .containsEntry("accuracy", 1.0);
        assertThat(byType.get("count")).containsEntry("correct", 0).containsEntry("accuracy", 0.0);
        Map<String, Object> overall = (Map<String, Object>) s.get("overall");
        assertThat(overall).containsEntry("correct", right).containsEntry("total", 60);
        assertThat((double) overall.get("accuracy")).isEqualTo(right / 60.0);
        List<Map<String, Object>> wrong = (List<Map<String, Object>>) s.get("wrong");
        assertThat(wrong).hasSize(VqaScore.SHOWN_WRONG).allMatch(w -> !"colour".equals(w.get("type")));
    }

    @Test
    void serviceScoresAnswersAndRefusesAnswersThatAreNotAnObject() {
        VqaEvalSetService service = new VqaEvalSetService(new ShapesDatasetFactory());
        List<VqaEvalSet.Item> set = VqaEvalSet.make(new ShapesDatasetFactory(), 8, 0, 96);
        Map<String, Object> answers = new HashMap<>();
        set.forEach(i -> answers.put(i.id(), i.question().answer()));
        Map<String, Object> s = service.call(Map.of("n", 8, "answers", answers));
        assertThat(s.get("overall")).isEqualTo(Map.of("correct", 8, "total", 8, "accuracy", 1.0));
        // the gateway hands a nested JSON object over as an Iterable of entries (Vert.x's JsonObject)
        Iterable<Map.Entry<String, Object>> entries = () -> answers.entrySet().iterator();
        assertThat(service.call(Map.of("n", 8, "answers", entries)).get("overall"))
                .isEqualTo(Map.of("correct", 8, "total", 8, "accuracy", 1.0));
        Assertions.assertThatThrownBy(() -> service.call(Map.of("n", 8, "answers", List.of("red"))))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("answers");
        Assertions.assertThatThrownBy(() -> service.call(Map.of("n", 8, "answers", "red")))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("answers");
    }
}
