package dev.stoa.vectors.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void selectsTheSameRowsAsAFullSortOnRandomScores() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(500);
            int k = 1 + random.nextInt(40);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                // few distinct values, so ties are common
                scores[i] = trial % 2 == 0 ? random.nextInt(20) : (float) random.nextGaussian();
            }
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(
                    order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
            int[] expected =
                    Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();

            TopK.Hits hits = TopK.select(scores, k);

            assertThat(hits.rows()).as("trial %d, n %d, k %d", trial, n, k).containsExactly(expected);
            for (int i = 0; i < hits.size(); i++) {
                assertThat(hits.scores()[i]).isEqualTo(scores[hits.rows()[i]]);
            }
        }
    }

    @Test
    void tiesRankTheLowerRowFirstAndFewerThanKRowsGiveAll() {
        TopK.Hits hits = TopK.select(new float[] {1, 3, 3, 2, 3}, 10);

        assertThat(hits.rows()).containsExactly(1, 2, 4, 3, 0);
        assertThat(hits.scores()).containsExactly(3, 3, 3, 2, 1);
    }

    @Test
    void offerAllWithAnOffsetNumbersRowsFromIt() {
        TopK top = new TopK(2);
        top.offerAll(new float[] {9, 0.5f, 4, 7}, 1, 3, 100); // rows 100, 101, 102 = 0.5, 4, 7
        top.offer(5, 3);

        TopK.Hits hits = top.result();

        assertThat(hits.rows()).containsExactly(102, 3);
        assertThat(top.threshold()).isEqualTo(5f);
    }

    @Test
    void kBelowOneIsRefused() {
        assertThatThrownBy(() -> new TopK(0)).hasMessageContaining("k is 0");
    }
}
