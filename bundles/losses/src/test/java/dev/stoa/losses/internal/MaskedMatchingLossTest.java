package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values worked out here in plain Java (double precision), from the formula in the loss's Javadoc. */
class MaskedMatchingLossTest {

    /** Token logits (B = 2, T = 3, V = 4). */
    private static final float[][][] TOKENS = {
        {{1, 2, 0, -1}, {0.5f, 0.5f, 3, 0}, {2, -1, 0, 1}},
        {{0, 0, 0, 0}, {1, -2, 0.3f, 2}, {-1, 4, 0, 0}}
    };
    /** Token labels, -1 where nothing was masked: three masked positions. */
    private static final long[][] LABELS = {{-1, 2, 0}, {-1, -1, 1}};
    /** Matching logits (B, 2) and labels. */
    private static final float[][] MATCHING = {{0.3f, -0.2f}, {-1, 2}};

    private static final long[] ALIGNED = {0, 1};

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

    private static double nll(float[] logits, long target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return -(logits[(int) target] - max - Math.log(sum));
    }

    private NDList inputs(long[][] labels) {
        return inputs(labels, ALIGNED);
    }

    private NDList inputs(long[][] labels, long[] aligned) {
        float[] flat = new float[24];
        int i = 0;
        for (float[][] row : TOKENS) {
            for (float[] step : row) {
                for (float v : step) {
                    flat[i++] = v;
                }
            }
        }
        long[] y = new long[6];
        for (int b = 0; b < 2; b++) {
            System.arraycopy(labels[b], 0, y, 3 * b, 3);
        }
        NDArray matching = manager.create(new float[] {MATCHING[0][0], MATCHING[0][1], MATCHING[1][0], MATCHING[1][1]})
                .reshape(2, 2);
        return new NDList(
                manager.create(flat, new Shape(2, 3, 4)),
                matching,
                manager.create(y, new Shape(2, 3)),
                manager.create(aligned));
    }

    @Test
    void mlmAveragesOverMaskedPositionsOnlyAndItmOverPairsWeighted() {
        double mlm = 0;
        int masked = 0;
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                if (LABELS[b][t] != -1) {
                    mlm += nll(TOKENS[b][t], LABELS[b][t]);
                    masked++;
                }
            }
        }
        mlm /= masked;
        double itm = (nll(MATCHING[0], ALIGNED[0]) + nll(MATCHING[1], ALIGNED[1])) / 2;

        TrainingLoss loss = new MaskedMatchingLossFactory().create(Map.of("mlm_weight", 1.0, "itm_weight", 0.5));
        LossTerms terms = loss.evaluate(store, inputs(LABELS), false);
        assertThat(terms.parts().keySet()).containsExactly("mlm_loss", "itm_loss");
        assertThat((double) terms.parts().get("mlm_loss").getFloat()).isCloseTo(mlm, within(1e-5));
        assertThat((double) terms.parts().get("itm_loss").getFloat()).isCloseTo(0.5 * itm, within(1e-5));
        assertThat((double) terms.total().getFloat()).isCloseTo(mlm + 0.5 * itm, within(1e-5));
    }

    @Test
    void changingAnUnmaskedPositionsLogitsChangesNothing() {
        TrainingLoss loss = new MaskedMatchingLossFactory().create(Map.of());
        float before = loss.evaluate(store, inputs(LABELS), false).total().getFloat();
        TOKENS[0][0][1] += 5; // position (0, 0) is not masked
        try {
            float after = loss.evaluate(store, inputs(LABELS), false).total().getFloat();
            assertThat(after).isEqualTo(before);
        } finally {
            TOKENS[0][0][1] -= 5;
        }
    }

    @Test
    void pairsWithoutAMatchingLabelAreLeftOutOfTheMatchingMean() {
        TrainingLoss loss = new MaskedMatchingLossFactory().create(Map.of());
        LossTerms terms = loss.evaluate(store, inputs(LABELS, new long[] {-1, 1}), false);
        assertThat((double) terms.parts().get("itm_loss").getFloat()).isCloseTo(nll(MATCHING[1], 1), within(1e-5));
        LossTerms none = loss.evaluate(store, inputs(LABELS, new long[] {-1, -1}), false);
        assertThat(none.parts().get("itm_loss").getFloat()).isEqualTo(0f);
    }

    @Test
    void noMaskedPositionGivesAZeroMlmTermNotNaN() {
        TrainingLoss loss = new MaskedMatchingLossFactory().create(Map.of());
        LossTerms terms = loss.evaluate(store, inputs(new long[][] {{-1, -1, -1}, {-1, -1, -1}}), false);
        assertThat(terms.parts().get("mlm_loss").getFloat()).isEqualTo(0f);
        assertThat(terms.total().getFloat()).isGreaterThan(0f);
    }

    @Test
    void badOptionsAndShapesAreNamed() {
        assertThatThrownBy(() -> new MaskedMatchingLossFactory().create(Map.of("itm_weight", -1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("itm_weight");
        assertThatThrownBy(() -> new MaskedMatchingLossFactory().create(Map.of("nsp_weight", 1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("nsp_weight");
        TrainingLoss loss = new MaskedMatchingLossFactory().create(Map.of());
        NDList wrong = inputs(LABELS);
        wrong.remove(3);
        assertThatThrownBy(() -> loss.evaluate(store, wrong, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matching labels (B)");
    }

    /** Region logits (B = 2, N = 2, C = 3). */
    private static final float[][][] REGIONS = {{{1, 0, -1}, {0.2f, 2, 0}}, {{-1, 3, 0.5f}, {0, 0, 0}}};
    /** Region targets: (0, 0) and (1, 0) masked (rows summing to 1, one with a zero entry), the others not. */
    private static final float[][][] TARGETS = {{{0.5f, 0.5f, 0}, {0, 0, 0}}, {{0.25f, 0.25f, 0.5f}, {0, 0, 0}}};

    private NDList withRegions(float[][][] regions) {
        NDList in = inputs(LABELS);
        float[] r = new float[12];
        float[] q = new float[12];
        for (int b = 0; b < 2; b++) {
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    r[(b * 2 + n) * 3 + c] = regions[b][n][c];
                    q[(b * 2 + n) * 3 + c] = TARGETS[b][n][c];
                }
            }
        }
        in.add(manager.create(r, new Shape(2, 2, 3)));
        in.add(manager.create(q, new Shape(2, 2, 3)));
        return in;
    }

    private static double kl(float[] q, float[] logits) {
        double out = 0;
        for (int c = 0; c < q.length; c++) {
            if (q[c] > 0) {
                out += q[c] * (Math.log(q[c]) + nll(logits, c));
            }
        }
        return out;
    }

    @Test
    void theRegionTermIsTheMeanKlOverMaskedRegionsAndDefaultsToOff() {
        double region = (kl(TARGETS[0][0], REGIONS[0][0]) + kl(TARGETS[1][0], REGIONS[1][0])) / 2;
        TrainingLoss off = new MaskedMatchingLossFactory().create(Map.of());
        LossTerms plain = off.evaluate(store, inputs(LABELS), false);
        LossTerms ignored = off.evaluate(store, withRegions(REGIONS), false);
        assertThat(ignored.parts().keySet()).containsExactly("mlm_loss", "itm_loss");
        assertThat(ignored.total().getFloat()).isEqualTo(plain.total().getFloat());

        TrainingLoss on = new MaskedMatchingLossFactory().create(Map.of("region_weight", 2.0));
        LossTerms terms = on.evaluate(store, withRegions(REGIONS), false);
        assertThat(terms.parts().keySet()).containsExactly("mlm_loss", "itm_loss", "region_loss");
        assertThat(region).isGreaterThan(0.1);
        assertThat((double) terms.parts().get("region_loss").getFloat()).isCloseTo(2 * region, within(1e-5));
        assertThat((double) terms.total().getFloat()).isCloseTo(plain.total().getFloat() + 2 * region, within(1e-5));
        // an unmasked region's logits change nothing
        REGIONS[1][1][2] += 4;
        try {
            assertThat(on.evaluate(store, withRegions(REGIONS), false).total().getFloat())
                    .isEqualTo(terms.total().getFloat());
        } finally {
            REGIONS[1][1][2] -= 4;
        }
        assertThatThrownBy(() -> on.evaluate(store, inputs(LABELS), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region targets (B, N, C)");
        assertThatThrownBy(() -> new MaskedMatchingLossFactory().create(Map.of("region_weight", -1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("region_weight");
    }
}
