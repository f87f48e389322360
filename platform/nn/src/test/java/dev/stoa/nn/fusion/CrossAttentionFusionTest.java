package dev.stoa.nn.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VC-GPT's fusion module: its output formula and the properties the paper's design gives it. */
class CrossAttentionFusionTest {

    private static final int B = 2;
    private static final int T = 5;
    private static final int D = 12;
    private static final int N = 7;
    private static final int C = 10;
    private static final int W = 16;

    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        manager = NDManager.newBaseManager("PyTorch");
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** V = W, so that a head set to the identity shows LN_o's output itself. */
    private CrossAttentionFusion fusion() {
        CrossAttentionFusion f = CrossAttentionFusion.builder()
                .setVocabularySize(W)
                .setWidth(W)
                .setLayerCount(2)
                .setHeadCount(4)
                .build();
        f.initialize(manager, DataType.FLOAT32, new Shape(B, T, D), new Shape(B, N, C));
        return f;
    }

    private NDArray run(CrossAttentionFusion f, NDArray h, NDArray g) {
        return f.forward(ps, new NDList(h, g), false).head();
    }

    private Parameter head(CrossAttentionFusion f) {
        for (Pair<String, Parameter> p : f.getParameters()) {
            if (p.getKey().endsWith("head_weight")) {
                return p.getValue();
            }
        }
        throw new AssertionError("no head");
    }

    @Test
    void startsAtZeroSoTheEnsembleStartsAsTheLanguageModel() {
        CrossAttentionFusion f = fusion();
        NDArray h = manager.randomNormal(new Shape(B, T, D));
        NDArray g = manager.randomNormal(new Shape(B, N, C));
        NDArray z = run(f, h, g);
        assertThat(z.getShape()).isEqualTo(new Shape(B, T, W));
        assertThat(z.abs().max().getFloat()).isZero();
        NDArray lm = manager.randomNormal(new Shape(B, T, W));
        assertThat(SelfEnsembling.ENSEMBLE.logits(lm, z).toFloatArray()).containsExactly(lm.toFloatArray());
    }

    @Test
    void headReadsTheLayerNormOfTheQueries() {
        CrossAttentionFusion f = fusion();
        head(f).getArray().set(manager.eye(W).toFloatArray());
        float[] z = run(f, manager.randomNormal(new Shape(B, T, D)), manager.randomNormal(new Shape(B, N, C)))
                .toFloatArray();
        // z = I · LN_o(q) with LN_o's gain 1 and bias 0: every row has mean 0 and variance 1 (up to LN's epsilon)
        for (int row = 0; row < B * T; row++) {
            double mean = 0;
            for (int w = 0; w < W; w++) {
                mean += z[row * W + w];
            }
            mean /= W;
            double var = 0;
            for (int w = 0; w < W; w++) {
                var += (z[row * W + w] - mean) * (z[row * W + w] - mean);
            }
            assertThat(mean).isCloseTo(0, within(1e-5));
            assertThat(var / W).isCloseTo(1, within(1e-3));
        }
    }

    @Test
    void isCausalOverTheTextReadsTheImageAndIgnoresTheOrderOfItsGrid() {
        CrossAttentionFusion f = fusion();
        head(f).getArray().set(manager.randomNormal(new Shape(W, W)).toFloatArray());
        NDArray h = manager.randomNormal(new Shape(B, T, D));
        NDArray g = manager.randomNormal(new Shape(B, N, C));
        float[] z = run(f, h, g).toFloatArray();

        // a later text position changes: the earlier outputs stay as they were
        NDArray later = h.duplicate();
        later.set(new ai.djl.ndarray.index.NDIndex(":, 3:, :"), manager.randomNormal(new Shape(B, T - 3, D)));
        float[] zLater = run(f, later, g).toFloatArray();
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int w = 0; w < W; w++) {
                    int i = (b * T + t) * W + w;
                    if (t < 3) {
                        assertThat(zLater[i]).isCloseTo(z[i], within(1e-5f));
                    }
                }
            }
        }
        assertThat(maxDifference(zLater, z)).isGreaterThan(1e-3f);

        // another image changes every position's output
        float[] zOther = run(f, h, manager.randomNormal(new Shape(B, N, C))).toFloatArray();
        for (int row = 0; row < B * T; row++) {
            float d = 0;
            for (int w = 0; w < W; w++) {
                d = Math.max(d, Math.abs(zOther[row * W + w] - z[row * W + w]));
            }
            assertThat(d).isGreaterThan(1e-4f);
        }

        // cross-attention is a weighted sum over the grid: permuting its tokens changes nothing
        NDArray reversed = g.flip(1);
        assertThat(maxDifference(run(f, h, reversed).toFloatArray(), z)).isLessThan(1e-4f);
    }

    @Test
    void badShapesAndSizesAreRefused() {
        CrossAttentionFusion f = fusion();
        assertThatThrownBy(() -> f.getOutputShapes(new Shape[] {new Shape(B, T, D)}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden (B, T, D), grid (B, N, C)");
        assertThatThrownBy(() -> CrossAttentionFusion.builder()
                        .setVocabularySize(8)
                        .setWidth(10)
                        .setLayerCount(1)
                        .setHeadCount(4)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heads dividing width");
    }

    private static float maxDifference(float[] a, float[] b) {
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
