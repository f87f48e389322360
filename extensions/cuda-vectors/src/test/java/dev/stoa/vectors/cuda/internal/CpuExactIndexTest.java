package dev.stoa.vectors.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CpuExactIndexTest {

    @Test
    void searchReturnsTheBruteForceTopKForEveryMetric() {
        Random random = new Random(11);
        int n = 2000;
        int d = 24;
        float[] rows = new float[n * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        float[] queries = new float[5 * d];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = (float) random.nextGaussian();
        }
        for (FlatMetric metric : FlatMetric.values()) {
            try (CpuExactIndex index = new CpuExactIndex(d, metric)) {
                index.put(0, rows, 1500);
                index.put(1500, java.util.Arrays.copyOfRange(rows, 1500 * d, n * d), 500);

                TopK.Hits[] hits = index.search(queries, 5, 10);

                for (int b = 0; b < 5; b++) {
                    float[] q = metric.prepare(java.util.Arrays.copyOfRange(queries, b * d, (b + 1) * d));
                    float[] scores = new float[n];
                    for (int r = 0; r < n; r++) {
                        float[] x = metric.prepare(java.util.Arrays.copyOfRange(rows, r * d, (r + 1) * d));
                        scores[r] = (float) metric.score(q, x, 0);
                    }
                    assertThat(hits[b].rows())
                            .as(metric + " query " + b)
                            .containsExactly(TopK.select(scores, 10).rows());
                }
            }
        }
    }

    @Test
    void moveAndTruncateKeepTheRowsDense() {
        try (CpuExactIndex index = new CpuExactIndex(2, FlatMetric.INNER_PRODUCT)) {
            index.put(0, new float[] {1, 0, 0, 1, 5, 5}, 3);
            index.move(2, 0); // delete row 0: the last row takes its place
            index.truncate(2);

            assertThat(index.size()).isEqualTo(2);
            assertThat(index.row(0)).containsExactly(5, 5);
            TopK.Hits hits = index.search(new float[] {0, 1}, 1, 5)[0];
            assertThat(hits.rows()).containsExactly(0, 1);
            assertThat(hits.scores()).containsExactly(5, 1);
        }
    }
}
