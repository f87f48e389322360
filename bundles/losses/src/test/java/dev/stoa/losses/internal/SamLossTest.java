package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SAM's loss against its formula in plain Java: focal and dice of the best mask, MSE of the IoU scores. */
class SamLossTest {

    private static final int B = 2;
    private static final int M = 3;
    private static final int H = 4;
    private static final int W = 5;

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void totalIsTheBestMasksFocalAndDicePlusIouMse() {
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = new float[B * M * H * W];
        float[] s = new float[B * M];
        float[] t = new float[B * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 6 - 3);
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) rng.nextDouble();
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(3) == 0 ? 1 : 0;
        }
        float wf = 20;
        float wd = 1;
        float wi = 0.5f;
        double alpha = 0.25;
        double gamma = 2;
        double focalSum = 0;
        double diceSum = 0;
        double iouSum = 0;
        for (int b = 0; b < B; b++) {
            double bestLoss = Double.MAX_VALUE;
            double bestF = 0;
            double bestD = 0;
            for (int m = 0; m < M; m++) {
                double focal = 0;
                double pt = 0;
                double ps = 0;
                double ts = 0;
                double inter = 0;
                double union = 0;
                for (int k = 0; k < H * W; k++) {
                    double xv = x[(b * M + m) * H * W + k];
                    double tv = t[b * H * W + k];
                    double p = sigmoid(xv);
                    double bce = -(tv * Math.log(p) + (1 - tv) * Math.log(1 - p));
                    double pT = tv == 1 ? p : 1 - p;
                    double aT = tv == 1 ? alpha : 1 - alpha;
                    focal += aT * Math.pow(1 - pT, gamma) * bce;
                    pt += p * tv;
                    ps += p;
                    ts += tv;
                    boolean on = xv > 0;
                    inter += on && tv == 1 ? 1 : 0;
                    union += on || tv == 1 ? 1 : 0;
                }
                focal /= H * W;
                double dice = 1 - (2 * pt + 1) / (ps + ts + 1);
                double l = wf * focal + wd * dice;
                if (l < bestLoss) {
                    bestLoss = l;
                    bestF = wf * focal;
                    bestD = wd * dice;
                }
                double iou = union == 0 ? 1 : inter / union;
                iouSum += (s[b * M + m] - iou) * (s[b * M + m] - iou);
            }
            focalSum += bestF;
            diceSum += bestD;
        }
        double focal = focalSum / B;
        double dice = diceSum / B;
        double iou = wi * iouSum / (B * M);

        TrainingLoss loss =
                new SamLossFactory().create(Map.of("focal_weight", wf, "dice_weight", wd, "iou_weight", wi));
        try (NDManager nd = NDManager.newBaseManager("PyTorch")) {
            NDList in = new NDList(
                    nd.create(x, new Shape(B, M, H, W)),
                    nd.create(s, new Shape(B, M)),
                    nd.create(t, new Shape(B, H, W)));
            loss.initialize(nd, DataType.FLOAT32, in.getShapes());
            LossTerms terms = loss.evaluate(new ParameterStore(nd, false), in, false);
            assertThat(terms.parts().get("focal_loss").getFloat()).isCloseTo((float) focal, within(1e-4f));
            assertThat(terms.parts().get("dice_loss").getFloat()).isCloseTo((float) dice, within(1e-4f));
            assertThat(terms.parts().get("iou_loss").getFloat()).isCloseTo((float) iou, within(1e-4f));
            assertThat(terms.total().getFloat()).isCloseTo((float) (focal + dice + iou), within(1e-4f));
        }
    }

    @Test
    void onlyTheBestMaskGetsGradient() {
        TrainingLoss loss = new SamLossFactory().create(Map.of());
        try (NDManager nd = NDManager.newBaseManager("PyTorch")) {
            float[] t = new float[H * W];
            t[0] = 1;
            t[1] = 1;
            float[] x = new float[M * H * W];
            java.util.Arrays.fill(x, -4f);
            // mask 1 matches the target; masks 0 and 2 are empty
            x[H * W] = 4f;
            x[H * W + 1] = 4f;
            NDArray logits = nd.create(x, new Shape(1, M, H, W));
            logits.setRequiresGradient(true);
            NDList in = new NDList(logits, nd.zeros(new Shape(1, M)), nd.create(t, new Shape(1, H, W)));
            loss.initialize(nd, DataType.FLOAT32, in.getShapes());
            try (var collector = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(
                        loss.evaluate(new ParameterStore(nd, false), in, true).total());
            }
            NDArray g = logits.getGradient().abs().sum(new int[] {2, 3});
            assertThat(g.getFloat(0, 1)).isGreaterThan(0f);
            assertThat(g.getFloat(0, 0)).isZero();
            assertThat(g.getFloat(0, 2)).isZero();
        }
    }

    @Test
    void badOptionsAreBadConfigNamingTheOption() {
        assertThatThrownBy(() -> new SamLossFactory().create(Map.of("focal_alpha", 2)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("focal_alpha");
        assertThatThrownBy(() -> new SamLossFactory().create(Map.of("mystery", 1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("mystery");
    }
}
