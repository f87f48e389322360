package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CoCa's loss against plain Java (double precision): λ_con · ½ (CE(s·v̂l̂ᵀ, I) + CE(s·l̂v̂ᵀ, I)) + λ_cap · the mean
 * -log softmax of the shifted, non-padding targets.
 */
class CocaLossTest {

    private static final float[][] V = {{1, 0, 0.5f}, {0.2f, 1, -0.3f}, {-1, 0.4f, 0.1f}};
    private static final float[][] L = {{0.9f, 0.1f, 0.4f}, {0, 1, 0}, {-0.5f, 0.5f, 0.5f}};
    /** (B = 3, T = 3, V = 4). */
    private static final float[][][] Z = {
        {{1, 2, 0, -1}, {0.5f, 0.5f, 3, 0}, {2, -1, 0, 1}},
        {{0, 0, 0, 0}, {1, -2, 0.3f, 2}, {-1, 4, 0, 0}},
        {{0.1f, 0.2f, 0.3f, 0.4f}, {3, 0, 0, 1}, {0, 0, 1, 1}}
    };
    /** ids; 0 is padding: targets ids[:, 1:] are (2, 3), (3, pad), (1, 2). */
    private static final long[][] IDS = {{1, 2, 3}, {1, 3, 0}, {1, 1, 2}};

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

    private static double logSoftmax(double[] row, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : row) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : row) {
            sum += Math.exp(l - max);
        }
        return row[target] - max - Math.log(sum);
    }

    private static double[] unit(float[] x) {
        double n = 0;
        for (float v : x) {
            n += v * v;
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / Math.sqrt(n);
        }
        return out;
    }

    private static double contrastive(double scale) {
        int n = V.length;
        double[][] logits = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double[] a = unit(V[i]);
                double[] b = unit(L[j]);
                double dot = 0;
                for (int k = 0; k < a.length; k++) {
                    dot += a[k] * b[k];
                }
                logits[i][j] = scale * dot;
            }
        }
        double i2t = 0;
        double t2i = 0;
        for (int i = 0; i < n; i++) {
            double[] column = new double[n];
            for (int j = 0; j < n; j++) {
                column[j] = logits[j][i];
            }
            i2t -= logSoftmax(logits[i], i);
            t2i -= logSoftmax(column, i);
        }
        return (i2t / n + t2i / n) / 2;
    }

    private static double caption() {
        double sum = 0;
        int count = 0;
        for (int b = 0; b < IDS.length; b++) {
            for (int t = 0; t + 1 < IDS[b].length; t++) {
                int target = (int) IDS[b][t + 1];
                if (target != 0) {
                    double[] row = new double[Z[b][t].length];
                    for (int k = 0; k < row.length; k++) {
                        row[k] = Z[b][t][k];
                    }
                    sum -= logSoftmax(row, target);
                    count++;
                }
            }
        }
        return sum / count;
    }

    private NDList inputs() {
        float[] v = new float[9];
        float[] l = new float[9];
        float[] z = new float[36];
        long[] ids = new long[9];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                v[i * 3 + k] = V[i][k];
                l[i * 3 + k] = L[i][k];
                ids[i * 3 + k] = IDS[i][k];
                for (int c = 0; c < 4; c++) {
                    z[(i * 3 + k) * 4 + c] = Z[i][k][c];
                }
            }
        }
        return new NDList(
                manager.create(v, new Shape(3, 3)),
                manager.create(l, new Shape(3, 3)),
                manager.create(z, new Shape(3, 3, 4)),
                manager.create(ids, new Shape(3, 3)));
    }

    private LossTerms evaluate(Map<String, ?> options) {
        TrainingLoss loss = new CocaLossFactory().create(options);
        NDList in = inputs();
        loss.initialize(manager, DataType.FLOAT32, in.getShapes());
        return loss.evaluate(store, in, false);
    }

    @Test
    void isTheWeightedSumOfTheClipAndCaptioningTerms() {
        LossTerms terms = evaluate(Map.of());
        double con = contrastive(1 / 0.07);
        double cap = caption();
        assertThat(terms.parts()).containsOnlyKeys("contrastive_loss", "caption_loss");
        assertThat((double) terms.parts().get("contrastive_loss").getFloat()).isCloseTo(con, within(1e-4));
        assertThat((double) terms.parts().get("caption_loss").getFloat()).isCloseTo(2 * cap, within(1e-5));
        assertThat((double) terms.total().getFloat()).isCloseTo(con + 2 * cap, within(1e-4));
        assertThat(terms.total().getShape()).isEqualTo(new Shape());
    }

    @Test
    void weightsAndTemperatureAreOptions() {
        LossTerms terms = evaluate(Map.of("clip_weight", 0.5, "caption_weight", 1.0, "temperature", 0.5));
        double expected = 0.5 * contrastive(2) + caption();
        assertThat((double) terms.total().getFloat()).isCloseTo(expected, within(1e-4));
    }

    @Test
    void theTemperatureIsTheLossParameterAndLearns() {
        TrainingLoss loss = new CocaLossFactory().create(Map.of());
        NDList in = inputs();
        loss.initialize(manager, DataType.FLOAT32, in.getShapes());
        assertThat(loss.getParameters().keys()).anyMatch(k -> k.endsWith("logit_scale"));
        NDArray t = loss.getParameters().valueAt(0).getArray();
        assertThat(t.getFloat(0)).isCloseTo((float) Math.log(1 / 0.07), within(1e-5f));
    }

    @Test
    void badOptionsAndShapesAreNamed() {
        assertThatThrownBy(() -> new CocaLossFactory().create(Map.of("caption_weight", -1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("caption_weight")
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_CONFIG));
        assertThatThrownBy(() -> new CocaLossFactory().create(Map.of("clip_weight", 0, "caption_weight", 0)))
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> new CocaLossFactory().create(Map.of("weight", 1)))
                .hasMessageContaining("'weight'");
        TrainingLoss loss = new CocaLossFactory().create(Map.of());
        NDList in = inputs();
        assertThatThrownBy(() -> loss.initialize(
                        manager,
                        DataType.FLOAT32,
                        in.get(0).getShape(),
                        in.get(1).getShape()))
                .hasMessageContaining("ids (B, T)");
    }
}
