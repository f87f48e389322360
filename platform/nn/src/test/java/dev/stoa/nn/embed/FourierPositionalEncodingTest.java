package dev.stoa.nn.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** SAM's random Fourier features, against the formula in plain Java. */
class FourierPositionalEncodingTest {

    @Test
    void featuresAreSinAndCosOfTwoPiTimesTheCentredPositionTimesG() {
        int d = 8;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FourierPositionalEncoding pe = FourierPositionalEncoding.builder()
                    .setEmbeddingSize(d)
                    .optSeed(11)
                    .optSigma(2f)
                    .build();
            pe.initialize(m, DataType.FLOAT32, new Shape(3, 2));
            float[] g = FourierPositionalEncoding.matrix(11, 2f, d);
            float[] p = {0.1f, 0.9f, 0.5f, 0.5f, 1f, 0f};
            ParameterStore ps = new ParameterStore(m, false);
            float[] y = pe.forward(ps, new NDList(m.create(p, new Shape(3, 2))), false)
                    .head()
                    .toFloatArray();
            for (int r = 0; r < 3; r++) {
                double u = 2 * p[2 * r] - 1;
                double v = 2 * p[2 * r + 1] - 1;
                for (int k = 0; k < d / 2; k++) {
                    // G is (2, D/2) row-major: row 0 multiplies x, row 1 multiplies y
                    double z = 2 * Math.PI * (u * g[k] + v * g[d / 2 + k]);
                    assertThat(y[r * d + k]).isCloseTo((float) Math.sin(z), within(1e-4f));
                    assertThat(y[r * d + d / 2 + k]).isCloseTo((float) Math.cos(z), within(1e-4f));
                }
            }
            // the centre of the image encodes as sin 0 = 0 and cos 0 = 1
            assertThat(y[d]).isCloseTo(0f, within(1e-6f));
            assertThat(y[d + d / 2]).isCloseTo(1f, within(1e-6f));
        }
    }

    @Test
    void gridEncodesCellCentresRowMajorAndGIsNotTrainedAndSeeded() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FourierPositionalEncoding pe =
                    FourierPositionalEncoding.builder().setEmbeddingSize(6).build();
            pe.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray grid = pe.grid(ps, m, 2, 3);
            assertThat(grid.getShape()).isEqualTo(new Shape(6, 6));
            // cell (row 1, column 2): p = (2.5 / 3, 1.5 / 2)
            NDArray one = pe.encode(ps, m.create(new float[] {2.5f / 3, 0.75f}, new Shape(1, 2)), false);
            assertThat(grid.get("5").toFloatArray())
                    .containsExactly(one.get("0").toFloatArray(), within(1e-6f));
            assertThat(pe.getParameters().get("gaussian").requiresGradient()).isFalse();
            float[] a = FourierPositionalEncoding.matrix(0, 1f, 6);
            assertThat(pe.getParameters().get("gaussian").getArray().toFloatArray())
                    .containsExactly(a);
            // a standard normal's sample: not all tiny, not all equal
            double sq = 0;
            for (float v : FourierPositionalEncoding.matrix(0, 1f, 2000)) {
                sq += v * v;
            }
            assertThat(sq / 2000).isBetween(0.85, 1.15);
        }
    }
}
