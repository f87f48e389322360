package dev.stoa.gpucheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.vectors.cuda.internal.TopK;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MeasuresTest {

    @Test
    void gaussianIsReproducibleAndStandard() {
        float[] a = Measures.gaussian(3_000_000, 9);
        float[] b = Measures.gaussian(3_000_000, 9);
        double sum = 0;
        double sq = 0;
        for (float x : a) {
            sum += x;
            sq += (double) x * x;
        }
        assertThat(a).isEqualTo(b);
        assertThat(sum / a.length).isCloseTo(0, Offset.offset(0.01));
        assertThat(sq / a.length).isCloseTo(1, Offset.offset(0.01));
        assertThat(Measures.gaussian(10, 10)).isNotEqualTo(Measures.gaussian(10, 11));
    }

    @Test
    void productAndItsErrorAgainstAFloatProduct() {
        float[] a = {1, 2, 3, 4}; // 2 x 2
        float[] b = {5, 6, 7, 8}; // 2 x 2
        double[][] c = Measures.product(a, b, 2, 2, 2);

        assertThat(c[0]).containsExactly(19, 22, 43, 50);
        assertThat(c[1]).containsExactly(19, 22, 43, 50); // all positive: the bound is the product
        assertThat(Measures.relativeError(new float[] {19, 22, 43, 50}, c[0], c[1]))
                .isZero();
        assertThat(Measures.relativeError(new float[] {19, 22, 43, 55}, c[0], c[1]))
                .isCloseTo(0.1, Offset.offset(1e-12));
    }

    @Test
    void recallCountsTheExactRowsFoundAndTiesAreForgivenWithinTheTolerance() {
        TopK.Hits exact = new TopK.Hits(new int[] {1, 2, 3}, new float[] {0.9f, 0.8f, 0.7f});
        TopK.Hits swapped = new TopK.Hits(new int[] {1, 2, 4}, new float[] {0.9f, 0.8f, 0.7f});

        assertThat(Measures.recall(new TopK.Hits[] {exact}, new TopK.Hits[] {exact}))
                .isEqualTo(1.0);
        assertThat(Measures.recall(new TopK.Hits[] {swapped}, new TopK.Hits[] {exact}))
                .isCloseTo(2 / 3.0, Offset.offset(1e-12));
        // row 4's exact score ties row 3's within 1e-6: forgiven at 1e-5, not at 1e-7
        Measures.RowScore score = (q, row) -> row == 4 ? 0.6999995 : 0.9;
        assertThat(Measures.recallWithTies(new TopK.Hits[] {swapped}, new TopK.Hits[] {exact}, 1e-5, score))
                .isEqualTo(1.0);
        assertThat(Measures.recallWithTies(new TopK.Hits[] {swapped}, new TopK.Hits[] {exact}, 1e-7, score))
                .isCloseTo(2 / 3.0, Offset.offset(1e-12));
    }

    @Test
    void percentilesByNearestRank() {
        long[] ms = {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000};
        assertThat(Measures.percentileMs(ms, 50)).isEqualTo(3.0);
        assertThat(Measures.percentileMs(ms, 99)).isEqualTo(5.0);
        assertThat(Measures.percentileMs(new long[0], 50)).isNaN();
    }
}
