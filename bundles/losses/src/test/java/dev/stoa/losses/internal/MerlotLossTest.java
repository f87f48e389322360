package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values worked out here in plain Java (double precision), from the formula in {@link MerlotLoss}. */
class MerlotLossTest {

    /** Frames and transcripts (N = 3, E = 2); rows 0 and 2 have the same sentence. */
    private static final float[][] FRAMES = {{1, 0}, {0.6f, 0.8f}, {0, 2}};

    private static final float[][] TEXTS = {{2, 1}, {0, 1}, {-1, 1}};
    private static final long[] SENTENCES = {7, 3, 7};
    /** Token logits (B = 1, T = 3, V = 3), labels with two masked positions. */
    private static final float[][] TOKENS = {{1, 2, 0}, {0, 0, 3}, {2, -1, 1}};

    private static final long[] TOKEN_LABELS = {1, -1, 0};
    /** Order logits (P = 3, 2) and labels: one pair of an unshuffled clip. */
    private static final float[][] ORDER = {{0.5f, -0.5f}, {-1, 2}, {3, 3}};

    private static final long[] ORDER_LABELS = {0, 1, -1};

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDList inputs() {
        return new NDList(
                manager.create(flat(FRAMES), new Shape(3, 2)),
                manager.create(flat(TEXTS), new Shape(3, 2)),
                manager.create(SENTENCES),
                manager.create(flat(TOKENS), new Shape(1, 3, 3)),
                manager.create(TOKEN_LABELS, new Shape(1, 3)),
                manager.create(flat(ORDER), new Shape(3, 2)),
                manager.create(ORDER_LABELS));
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }

    private static double nll(double[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        return -(logits[target] - max - Math.log(sum));
    }

    private static double[] f(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    /** UniCL targets over cosine similarities times 1/0.07, both directions averaged. */
    private static double contrastive() {
        int n = 3;
        double[][] z = new double[n][n];
        double scale = 1 / 0.07;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = FRAMES[i][0] * TEXTS[j][0] + FRAMES[i][1] * TEXTS[j][1];
                double ni = Math.hypot(FRAMES[i][0], FRAMES[i][1]);
                double nj = Math.hypot(TEXTS[j][0], TEXTS[j][1]);
                z[i][j] = scale * dot / (ni * nj);
            }
        }
        double rows = 0;
        double cols = 0;
        for (int i = 0; i < n; i++) {
            int positives = 0;
            for (int j = 0; j < n; j++) {
                positives += SENTENCES[i] == SENTENCES[j] ? 1 : 0;
            }
            for (int j = 0; j < n; j++) {
                if (SENTENCES[i] == SENTENCES[j]) {
                    double[] col = {z[0][i], z[1][i], z[2][i]};
                    rows += nll(z[i], j) / positives;
                    cols += nll(col, j) / positives;
                }
            }
        }
        return (rows / n + cols / n) / 2;
    }

    private static double mlm() {
        return (nll(f(TOKENS[0]), 1) + nll(f(TOKENS[2]), 0)) / 2;
    }

    private static double order() {
        return (nll(f(ORDER[0]), 0) + nll(f(ORDER[1]), 1)) / 2;
    }

    private LossTerms evaluate(Map<String, ?> options) {
        TrainingLoss loss = new MerlotLossFactory().create(options);
        NDList in = inputs();
        loss.initialize(manager, DataType.FLOAT32, in.getShapes());
        return loss.evaluate(store, in, false);
    }

    @Test
    void theTotalIsTheWeightedSumOfContrastiveMaskedWordsAndPairOrder() {
        LossTerms t = evaluate(Map.of("contrastive_weight", 0.5, "mlm_weight", 2, "order_weight", "3"));
        assertThat(t.parts().keySet()).containsExactly("contrastive_loss", "mlm_loss", "order_loss");
        assertThat(t.parts().get("contrastive_loss").getFloat())
                .isCloseTo((float) (0.5 * contrastive()), within(1e-4f));
        assertThat(t.parts().get("mlm_loss").getFloat()).isCloseTo((float) (2 * mlm()), within(1e-4f));
        assertThat(t.parts().get("order_loss").getFloat()).isCloseTo((float) (3 * order()), within(1e-4f));
        assertThat(t.total().getFloat())
                .isCloseTo((float) (0.5 * contrastive() + 2 * mlm() + 3 * order()), within(1e-4f));
    }

    @Test
    void unlabelledPairsAndWordsAddNothing() {
        LossTerms t = evaluate(Map.of());
        // the third pair's logits are equal (ln 2 if it counted) and labelled -1: the mean is over the two others
        assertThat(t.parts().get("order_loss").getFloat()).isCloseTo((float) order(), within(1e-5f));
        assertThat(t.parts().get("mlm_loss").getFloat()).isCloseTo((float) mlm(), within(1e-5f));
        assertThat(t.total().getFloat()).isCloseTo((float) (contrastive() + mlm() + order()), within(1e-4f));
    }

    @Test
    void theTemperatureIsLearnedUnlessFixed() {
        TrainingLoss learned = new MerlotLossFactory().create(Map.of());
        learned.initialize(manager, DataType.FLOAT32, inputs().getShapes());
        assertThat(learned.getParameters().keys()).anyMatch(k -> k.endsWith("logit_scale"));
        assertThat(learned.getParameters().get(0).getValue().requiresGradient()).isTrue();
        TrainingLoss fixed = new MerlotLossFactory().create(Map.of("learn_temperature", false));
        fixed.initialize(manager, DataType.FLOAT32, inputs().getShapes());
        assertThat(fixed.getParameters().get(0).getValue().requiresGradient()).isFalse();
    }

    @Test
    void badOptionsAndShapesAreNamed() {
        MerlotLossFactory f = new MerlotLossFactory();
        assertThatThrownBy(() -> f.create(Map.of("order_weight", -1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'order_weight'");
        assertThatThrownBy(() -> f.create(Map.of("itm_weight", 1))).hasMessageContaining("'itm_weight'");
        assertThatThrownBy(() -> f.create(Map.of("contrastive_weight", 0, "mlm_weight", 0, "order_weight", 0)))
                .hasMessageContaining("at least one");
        TrainingLoss loss = f.create(Map.of());
        NDList wrong = inputs();
        wrong.set(6, manager.create(new long[] {0, 1}));
        assertThatThrownBy(() -> loss.initialize(manager, DataType.FLOAT32, wrong.getShapes()))
                .hasMessageContaining("order labels (P)");
    }
}
