package dev.stoa.vectors.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorMetric;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class FlatMetricTest {

    @Test
    void scoresWorkedOutByHand() {
        float[] q = {1, 2, 0};
        float[] rows = {9, 3, 4, 0}; // one row at offset 1: (3, 4, 0)

        assertThat(FlatMetric.INNER_PRODUCT.score(q, rows, 1)).isEqualTo(11.0);
        assertThat(FlatMetric.L2.score(q, rows, 1)).isEqualTo(-(4 + 4 + 0));
        float[] uq = FlatMetric.COSINE.prepare(q);
        float[] ux = FlatMetric.COSINE.prepare(new float[] {3, 4, 0});
        assertThat(FlatMetric.COSINE.score(uq, ux, 0)).isCloseTo(11 / (Math.sqrt(5) * 5), Offset.offset(1e-6));
    }

    @Test
    void theGpuPathsL2FromTheInnerProductEqualsTheDirectDistance() {
        // the GPU computes <q, x> by GEMM and turns it into -|q - x|^2 with the norms: same score as the reference
        Random random = new Random(3);
        for (int t = 0; t < 100; t++) {
            float[] q = new float[64];
            float[] x = new float[64];
            double dot = 0;
            double nq = 0;
            double nx = 0;
            for (int i = 0; i < 64; i++) {
                q[i] = (float) random.nextGaussian();
                x[i] = (float) random.nextGaussian();
                dot += (double) q[i] * x[i];
                nq += (double) q[i] * q[i];
                nx += (double) x[i] * x[i];
            }
            double direct = FlatMetric.L2.score(q, x, 0);
            float viaDot = FlatMetric.L2.fromDot((float) dot, (float) nx, (float) nq);
            assertThat((double) viaDot).isCloseTo(direct, Offset.offset(1e-3 * Math.abs(direct)));
            assertThat(FlatMetric.INNER_PRODUCT.fromDot((float) dot, (float) nx, (float) nq))
                    .isEqualTo((float) dot);
        }
    }

    @Test
    void cosineRefusesAZeroVectorNamingTheField() {
        assertThatThrownBy(() -> FlatMetric.COSINE.prepare(new float[] {0, 0}))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'vector'")
                .hasMessageContaining("all zeros");
        assertThat(FlatMetric.INNER_PRODUCT.prepare(new float[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void aCollectionsMetricMapsToTheFlatOne() {
        assertThat(FlatMetric.of(VectorMetric.COSINE)).isEqualTo(FlatMetric.COSINE);
        assertThat(FlatMetric.of(VectorMetric.DOT_PRODUCT)).isEqualTo(FlatMetric.INNER_PRODUCT);
    }
}
