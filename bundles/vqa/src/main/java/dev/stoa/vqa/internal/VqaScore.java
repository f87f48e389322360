package dev.stoa.vqa.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores answers to the evaluation set: accuracy per question type and overall ({@link SceneQuestion#isAnsweredBy}:
 * the first word, case and punctuation ignored). A question with no answer counts as wrong.
 */
final class VqaScore {

    /** How many wrong answers the report lists, for a reader to see what goes wrong. */
    static final int SHOWN_WRONG = 12;

    private VqaScore() {}

    /**
     * @param set the evaluation set
     * @param answers the answers by item id
     * @return {@code {"by_type": {type: {"correct", "total", "accuracy"}}, "overall": {...}, "wrong": [...]}}
     */
    static Map<String, Object> score(List<VqaEvalSet.Item> set, Map<String, ?> answers) {
        Map<String, int[]> byType = new LinkedHashMap<>();
        SceneQuestions.TYPES.forEach(t -> byType.put(t, new int[2]));
        int[] overall = new int[2];
        List<Object> wrong = new ArrayList<>();
        for (VqaEvalSet.Item item : set) {
            Object got = answers.get(item.id());
            boolean right = got != null && item.question().isAnsweredBy(got.toString());
            int[] t = byType.get(item.question().type());
            t[0] += right ? 1 : 0;
            t[1]++;
            overall[0] += right ? 1 : 0;
            overall[1]++;
            if (!right && wrong.size() < SHOWN_WRONG) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("id", item.id());
                w.put("question", item.question().question());
                w.put("expected", item.question().answer());
                w.put("got", got);
                wrong.add(w);
            }
        }
        Map<String, Object> types = new LinkedHashMap<>();
        byType.forEach((type, c) -> {
            if (c[1] > 0) {
                types.put(type, counts(c));
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("by_type", types);
        out.put("overall", counts(overall));
        out.put("wrong", wrong);
        return out;
    }

    private static Map<String, Object> counts(int[] c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("correct", c[0]);
        m.put("total", c[1]);
        m.put("accuracy", c[1] == 0 ? 0.0 : (double) c[0] / c[1]);
        return m;
    }
}
