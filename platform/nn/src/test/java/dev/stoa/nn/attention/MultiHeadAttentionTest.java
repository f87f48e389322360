package dev.stoa.nn.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MultiHeadAttentionTest {

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void scaledDotProductWeightsMatchHandComputedSoftmax() {
        // one head, d = 2: q = [[1, 0], [0, 2]], k = [[1, 0], [0, 1], [1, 1]]
        NDArray q = manager.create(new float[] {1, 0, 0, 2}, new Shape(1, 1, 2, 2));
        NDArray k = manager.create(new float[] {1, 0, 0, 1, 1, 1}, new Shape(1, 1, 3, 2));
        float[] w = MultiHeadAttention.scaledDotProductWeights(q, k, null).toFloatArray();
        // scores / √2: row 0 = [1, 0, 1] / √2, row 1 = [0, 2, 2] / √2
        double r = Math.sqrt(2);
        double[] row0 = softmax(1 / r, 0, 1 / r);
        double[] row1 = softmax(0, 2 / r, 2 / r);
        for (int j = 0; j < 3; j++) {
            assertThat((double) w[j]).isCloseTo(row0[j], within(1e-6));
            assertThat((double) w[3 + j]).isCloseTo(row1[j], within(1e-6));
        }
    }

    @Test
    void crossAttentionOutputMatchesPlainJavaFromTheBlocksOwnParameters() {
        int d = 4;
        int h = 2;
        MultiHeadAttention attention =
                MultiHeadAttention.builder().setEmbeddingSize(d).setHeadCount(h).build();
        // queries of width 4, a context of width 3 (projected to 4)
        float[] x = {0.5f, -1f, 2f, 0f, 1f, 1f, -0.5f, 0.25f};
        float[] c = {1f, 0f, -1f, 0.5f, 0.5f, 0.5f, -2f, 1f, 0f};
        attention.initialize(manager, DataType.FLOAT32, new Shape(1, 2, d), new Shape(1, 3, 3));
        NDArray out = attention
                .forward(
                        store,
                        new NDList(manager.create(x, new Shape(1, 2, d)), manager.create(c, new Shape(1, 3, 3))),
                        false)
                .head();
        assertThat(out.getShape()).isEqualTo(new Shape(1, 2, d));

        double[][] q = linear(rows(x, 2, d), attention, "query", d);
        double[][] key = linear(rows(c, 3, 3), attention, "key", 3);
        double[][] v = linear(rows(c, 3, 3), attention, "value", 3);
        int dh = d / h;
        double[][] merged = new double[2][d];
        for (int head = 0; head < h; head++) {
            for (int t = 0; t < 2; t++) {
                double[] scores = new double[3];
                for (int s = 0; s < 3; s++) {
                    for (int i = 0; i < dh; i++) {
                        scores[s] += q[t][head * dh + i] * key[s][head * dh + i];
                    }
                    scores[s] /= Math.sqrt(dh);
                }
                double[] a = softmax(scores);
                for (int i = 0; i < dh; i++) {
                    for (int s = 0; s < 3; s++) {
                        merged[t][head * dh + i] += a[s] * v[s][head * dh + i];
                    }
                }
            }
        }
        double[][] expected = linear(merged, attention, "output", d);
        float[] actual = out.toFloatArray();
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < d; i++) {
                assertThat((double) actual[t * d + i]).isCloseTo(expected[t][i], within(1e-5));
            }
        }
    }

    @Test
    void paddingMaskGivesExactlyZeroWeightToPaddedKeys() {
        MultiHeadAttention attention = selfAttention(8, 2);
        NDArray x = manager.randomNormal(new Shape(2, 4, 8));
        NDArray keep = manager.create(new int[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 4));
        float[] w =
                attention.attentionWeights(store, new NDList(x, x, keep), false).toFloatArray(); // (2, 2, 4, 4)
        for (int b = 0; b < 2; b++) {
            for (int head = 0; head < 2; head++) {
                for (int i = 0; i < 4; i++) {
                    double sum = 0;
                    for (int j = 0; j < 4; j++) {
                        float wij = w[((b * 2 + head) * 4 + i) * 4 + j];
                        if (b == 1 && j >= 2) {
                            assertThat(wij).isEqualTo(0f);
                        } else {
                            assertThat(wij).isGreaterThan(0f);
                        }
                        sum += wij;
                    }
                    assertThat(sum).isCloseTo(1, within(1e-5));
                }
            }
        }
    }

    @Test
    void causalMaskGivesExactlyZeroWeightToLaterPositions() {
        int t = 5;
        MultiHeadAttention attention = selfAttention(8, 2);
        NDArray x = manager.randomNormal(new Shape(1, t, 8));
        float[] w = attention
                .attentionWeights(store, new NDList(x, x, AttentionMasks.causal(manager, t)), false)
                .toFloatArray();
        for (int head = 0; head < 2; head++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    float wij = w[(head * t + i) * t + j];
                    if (j > i) {
                        assertThat(wij).as("head %d, %d -> %d", head, i, j).isEqualTo(0f);
                    } else {
                        assertThat(wij).isGreaterThan(0f);
                    }
                }
            }
        }
    }

    @Test
    void prefixMaskLetsThePrefixSeeItselfAndTheRestAttendCausally() {
        int t = 5;
        int p = 2;
        MultiHeadAttention attention = selfAttention(8, 2);
        NDArray x = manager.randomNormal(new Shape(1, t, 8));
        float[] w = attention
                .attentionWeights(store, new NDList(x, x, AttentionMasks.prefix(manager, t, p)), false)
                .toFloatArray();
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                boolean bothInPrefix = i < p && j < p;
                boolean causal = i >= p && j <= i;
                float wij = w[i * t + j];
                if (bothInPrefix || causal) {
                    assertThat(wij).as("%d -> %d", i, j).isGreaterThan(0f);
                } else {
                    assertThat(wij).as("%d -> %d", i, j).isEqualTo(0f);
                }
            }
        }
    }

    @Test
    void crossAttentionContextMaskGivesExactlyZeroWeightToPaddedContext() {
        MultiHeadAttention attention =
                MultiHeadAttention.builder().setEmbeddingSize(8).setHeadCount(4).build();
        NDArray x = manager.randomNormal(new Shape(2, 3, 8));
        NDArray context = manager.randomNormal(new Shape(2, 5, 6));
        attention.initialize(manager, DataType.FLOAT32, x.getShape(), context.getShape());
        NDArray keep = manager.create(
                new boolean[] {true, true, true, false, false, true, false, true, false, true}, new Shape(2, 5));
        float[] w = attention
                .attentionWeights(store, new NDList(x, context, keep), false)
                .toFloatArray();
        boolean[] allowed = keep.toBooleanArray();
        for (int b = 0; b < 2; b++) {
            for (int row = 0; row < 4 * 3; row++) {
                for (int s = 0; s < 5; s++) {
                    float ws = w[(b * 12 + row) * 5 + s];
                    if (allowed[b * 5 + s]) {
                        assertThat(ws).isGreaterThan(0f);
                    } else {
                        assertThat(ws).isEqualTo(0f);
                    }
                }
            }
        }
    }

    @Test
    void fullyMaskedQueryGetsZeroWeightsAndFiniteGradientsNotNaN() {
        MultiHeadAttention attention = selfAttention(4, 1);
        NDArray x = manager.randomNormal(new Shape(1, 3, 4));
        // query 2 may attend to nothing (a padded query row in a (B, T, S) mask)
        NDArray mask = manager.create(
                new boolean[] {true, false, false, true, true, false, false, false, false}, new Shape(1, 3, 3));
        float[] w =
                attention.attentionWeights(store, new NDList(x, x, mask), false).toFloatArray();
        assertThat(new float[] {w[6], w[7], w[8]}).containsOnly(0f);
        assertThat((double) w[0]).isCloseTo(1, within(1e-6));

        ParameterStore training = new ParameterStore(manager, false);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray y =
                    attention.forward(training, new NDList(x, x, mask), true).head();
            assertThat(y.isNaN().any().getBoolean()).isFalse();
            collector.backward(y.sum());
        }
        attention
                .getParameters()
                .forEach(p -> assertThat(p.getValue()
                                .getArray()
                                .getGradient()
                                .isNaN()
                                .any()
                                .getBoolean())
                        .as(p.getKey())
                        .isFalse());
    }

    @Test
    void builderRejectsAnEmbeddingSizeThatHeadsDoNotDivide() {
        assertThatThrownBy(() -> MultiHeadAttention.builder()
                        .setEmbeddingSize(10)
                        .setHeadCount(4)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple");
        assertThatThrownBy(() -> MultiHeadAttention.builder().setHeadCount(4).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maskThatDoesNotFitTheKeysIsRejected() {
        MultiHeadAttention attention = selfAttention(4, 1);
        NDArray x = manager.randomNormal(new Shape(1, 3, 4));
        NDArray mask = manager.ones(new Shape(1, 4), DataType.BOOLEAN);
        assertThatThrownBy(() -> attention.forward(store, new NDList(x, x, mask), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
    }

    private MultiHeadAttention selfAttention(int d, int h) {
        MultiHeadAttention attention =
                MultiHeadAttention.builder().setEmbeddingSize(d).setHeadCount(h).build();
        attention.initialize(manager, DataType.FLOAT32, new Shape(1, 1, d));
        return attention;
    }

    /** rows · Wᵀ + b with the weights of the named child Linear. */
    private static double[][] linear(double[][] in, MultiHeadAttention block, String child, int inWidth) {
        float[] weight = parameter(block, child + "_weight");
        float[] bias = parameter(block, child + "_bias");
        int outWidth = bias.length;
        double[][] out = new double[in.length][outWidth];
        for (int r = 0; r < in.length; r++) {
            for (int o = 0; o < outWidth; o++) {
                double s = bias[o];
                for (int i = 0; i < inWidth; i++) {
                    s += weight[o * inWidth + i] * in[r][i];
                }
                out[r][o] = s;
            }
        }
        return out;
    }

    /** DJL names a child's parameters {@code <two-digit index><child>_<name>}. */
    private static float[] parameter(MultiHeadAttention block, String suffix) {
        return block.getParameters().stream()
                .filter(p -> p.getKey().matches("\\d\\d" + suffix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no parameter " + suffix))
                .getValue()
                .getArray()
                .toFloatArray();
    }

    private static double[][] rows(float[] flat, int count, int width) {
        double[][] r = new double[count][width];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < width; j++) {
                r[i][j] = flat[i * width + j];
            }
        }
        return r;
    }

    private static double[] softmax(double... scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double sum = 0;
        double[] e = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            e[i] = Math.exp(scores[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}
