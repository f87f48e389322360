package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values worked out here in plain Java (double precision): -log softmax at the target, averaged. */
class CaptioningLossTest {

    /** (B = 2, T = 3, V = 4). */
    private static final float[][][] LOGITS = {
        {{1, 2, 0, -1}, {0.5f, 0.5f, 3, 0}, {2, -1, 0, 1}},
        {{0, 0, 0, 0}, {1, -2, 0.3f, 2}, {-1, 4, 0, 0}}
    };

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

    private static double nll(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return -(logits[target] - max - Math.log(sum));
    }

    private NDArray logits() {
        float[] flat = new float[2 * 3 * 4];
        int i = 0;
        for (float[][] row : LOGITS) {
            for (float[] step : row) {
                for (float v : step) {
                    flat[i++] = v;
                }
            }
        }
        return manager.create(flat, new Shape(2, 3, 4));
    }

    @Test
    void alignedTargetsAverageOverRealTokensOnly() {
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of("shift", false));
        // targets; 0 is padding: row 0 has 3 real targets, row 1 has 1
        long[][] targets = {{1, 2, 3}, {3, 0, 0}};
        LossTerms terms = loss.evaluate(
                store, new NDList(logits(), manager.create(new long[] {1, 2, 3, 3, 0, 0}, new Shape(2, 3))), false);
        double expected =
                (nll(LOGITS[0][0], 1) + nll(LOGITS[0][1], 2) + nll(LOGITS[0][2], 3) + nll(LOGITS[1][0], 3)) / 4;
        assertThat((double) terms.total().getFloat()).isCloseTo(expected, within(1e-5));
        assertThat(terms.parts()).containsOnlyKeys("caption_loss");
        assertThat(terms.total().getShape()).isEqualTo(new Shape());
        assertThat(targets[1][1]).isZero();
    }

    @Test
    void paddedPositionsContributeExactlyNothingNorGetGradient() {
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of("shift", false));
        NDArray ids = manager.create(new long[] {1, 2, 3, 3, 0, 0}, new Shape(2, 3));
        NDArray a = logits();
        NDArray b = logits();
        // change the logits at the padded positions only: the loss must not move
        b.set(new NDIndex("1, 1:, :"), 50f);
        float la = loss.evaluate(store, new NDList(a, ids), false).total().getFloat();
        float lb = loss.evaluate(store, new NDList(b, ids), false).total().getFloat();
        assertThat(lb).isEqualTo(la);

        a.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(loss.evaluate(store, new NDList(a, ids), true).total());
        }
        float[] padded = a.getGradient().get("1, 1:, :").toFloatArray();
        assertThat(padded).containsOnly(0f);
        assertThat(a.getGradient().get("0, 0, :").abs().sum().getFloat()).isPositive();
    }

    @Test
    void shiftComparesEachPositionWithTheNextToken() {
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of());
        // ids [SOT=1, 2, 3] and [1, 3, PAD]: logits[:, 0] -> ids[:, 1], logits[:, 1] -> ids[:, 2]
        NDArray ids = manager.create(new long[] {1, 2, 3, 1, 3, 0}, new Shape(2, 3));
        float total =
                loss.evaluate(store, new NDList(logits(), ids), false).total().getFloat();
        double expected = (nll(LOGITS[0][0], 2) + nll(LOGITS[0][1], 3) + nll(LOGITS[1][0], 3)) / 3;
        assertThat((double) total).isCloseTo(expected, within(1e-5));
    }

    @Test
    void allPaddingGivesZeroNotNaN() {
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of("shift", false));
        float total = loss.evaluate(store, new NDList(logits(), manager.zeros(new Shape(2, 3), DataType.INT64)), false)
                .total()
                .getFloat();
        assertThat(total).isEqualTo(0f);
    }

    @Test
    void badOptionsAndShapesNameTheFix() {
        assertThatThrownBy(() -> new CaptioningLossFactory().create(Map.of("ignore_index", 0)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("ignore_index")
                .hasMessageContaining("ignore_id")
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_CONFIG));
        assertThatThrownBy(() -> new CaptioningLossFactory().create(Map.of("ignore_id", -1)))
                .hasMessageContaining("ignore_id");
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of());
        assertThatThrownBy(() -> loss.evaluate(store, new NDList(logits(), manager.zeros(new Shape(2, 4))), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[logits (B, T, V), ids (B, T)]");
    }
}
