package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prompt ensembling and the softmax, against the formulas worked out here in plain Java (double precision). */
class ZeroShotTest {

    /** Two classes x two templates, class-major, deliberately not unit length, in E = 3. */
    private static final double[][] TEXTS = {{3, 0, 0}, {1, 1, 0}, {0, 0, 2}, {0, 1, 1}};

    private static final double[] IMAGE = {0.6, 0.8, 0};

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void classWeightsAreTheRenormalisedMeanOfNormalisedTemplateEmbeddings() {
        NDArray classifier = ZeroShot.classifier(manager.create(flat(TEXTS), new Shape(4, 3)), 2, 2);
        double[][] expected = {weight(TEXTS[0], TEXTS[1]), weight(TEXTS[2], TEXTS[3])};
        float[] actual = classifier.toFloatArray();
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                assertThat((double) actual[c * 3 + i]).isCloseTo(expected[c][i], within(1e-6));
            }
        }
    }

    @Test
    void probabilitiesAreTheSoftmaxOfScaledCosines() {
        NDArray classifier = ZeroShot.classifier(manager.create(flat(TEXTS), new Shape(4, 3)), 2, 2);
        float scale = 10f;
        float[] p = ZeroShot.probabilities(
                        manager.create(flat(new double[][] {IMAGE}), new Shape(1, 3)), classifier, scale)
                .toFloatArray();
        double z0 = scale * dot(IMAGE, weight(TEXTS[0], TEXTS[1]));
        double z1 = scale * dot(IMAGE, weight(TEXTS[2], TEXTS[3]));
        double p0 = Math.exp(z0) / (Math.exp(z0) + Math.exp(z1));
        assertThat((double) p[0]).isCloseTo(p0, within(1e-5));
        assertThat((double) p[1]).isCloseTo(1 - p0, within(1e-5));
        // class 0's prompts point along x and x+y, the image along 0.6x + 0.8y: class 0 must win clearly
        assertThat(p0).isGreaterThan(0.99);
    }

    private static double[] weight(double[] a, double[] b) {
        double[] na = unit(a);
        double[] nb = unit(b);
        double[] mean = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            mean[i] = (na[i] + nb[i]) / 2;
        }
        return unit(mean);
    }

    private static double[] unit(double[] v) {
        double n = Math.sqrt(dot(v, v));
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / n;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] flat(double[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int r = 0, i = 0; r < rows.length; r++) {
            for (double v : rows[r]) {
                out[i++] = (float) v;
            }
        }
        return out;
    }
}
