package dev.stoa.train.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTableTest {

    @Test
    void heldOutSplitsStandSideBySideOneRowPerMetric() {
        Map<String, Double> evaluation = new LinkedHashMap<>();
        evaluation.put("zero_shot_top1/test", 0.98);
        evaluation.put("zero_shot_top1/test-unseen", 0.915);
        evaluation.put("zero_shot_top1/test-renderer", 0.95);
        evaluation.put("zero_shot_colour/test-unseen", 1.0);
        evaluation.put("recall@1/gallery", 0.5);
        evaluation.put("loss", 1.25);

        String md = MetricsTable.markdown(evaluation);

        assertThat(md.lines().toList())
                .containsExactly(
                        "| metric | test | test-unseen | test-renderer | gallery | all |",
                        "|---|---|---|---|---|---|",
                        "| zero_shot_top1 | 0.9800 | 0.9150 | 0.9500 |  |  |",
                        "| zero_shot_colour |  | 1.0000 |  |  |  |",
                        "| recall@1 |  |  |  | 0.5000 |  |",
                        "| loss |  |  |  |  | 1.2500 |");
    }

    @Test
    void nothingToShowIsNoTable() {
        assertThat(MetricsTable.markdown(Map.of())).isEmpty();
    }
}
