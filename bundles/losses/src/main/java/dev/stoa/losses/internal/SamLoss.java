package dev.stoa.losses.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Arrays;
import java.util.List;

/**
 * SAM's loss (Kirillov et al. 2023, §3 and appendix A): for each prompt the model predicts M masks, and only the one
 * with the lowest mask loss is trained ("we backpropagate only the minimum loss over masks"); the IoU head regresses
 * each mask's actual IoU with the target by mean squared error:
 *
 * <pre>
 * l[b, m]  = w_f · focal(x[b, m], t[b]) + w_d · dice(x[b, m], t[b])          ({@link MaskLosses})
 * m*[b]    = argmin_m l[b, m]                                               (no gradient through the choice)
 * L_mask   = mean_b l[b, m*[b]]
 * L_iou    = mean_{b, m} (s[b, m] - IoU([x[b, m] > 0], t[b]))²
 * L        = L_mask + w_i · L_iou
 * </pre>
 *
 * <p>SAM's weights: focal 20, dice 1 (a 20:1 ratio), IoU 1; focal α 0.25, γ 2. Inputs {@code [x (B, M, H, W) logits,
 * s (B, M) predicted IoU, t (B, H, W) targets 0/1]}; outputs {@code [total, focal_loss, dice_loss, iou_loss]}, the
 * weighted terms of the chosen masks, summing to the total.
 */
final class SamLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;

    private final float focalWeight;
    private final float diceWeight;
    private final float iouWeight;
    private final float alpha;
    private final float gamma;

    SamLoss(float focalWeight, float diceWeight, float iouWeight, float alpha, float gamma) {
        super(VERSION);
        this.focalWeight = focalWeight;
        this.diceWeight = diceWeight;
        this.iouWeight = iouWeight;
        this.alpha = alpha;
        this.gamma = gamma;
    }

    @Override
    public List<String> partNames() {
        return List.of("focal_loss", "dice_loss", "iou_loss");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray x = inputs.get(0);
        NDArray s = inputs.get(1);
        NDArray t = inputs.get(2).toType(x.getDataType(), false).expandDims(1);
        NDArray focal = MaskLosses.focal(x, t, alpha, gamma).mul(focalWeight);
        NDArray dice = MaskLosses.dice(x, t).mul(diceWeight);
        NDArray per = focal.add(dice);
        long masks = x.getShape().get(1);
        NDArray best = per.stopGradient().argMin(1).oneHot((int) masks).toType(x.getDataType(), false);
        NDArray f = focal.mul(best).sum(new int[] {1}).mean();
        NDArray d = dice.mul(best).sum(new int[] {1}).mean();
        NDArray iou = MaskLosses.iou(x, t);
        NDArray i = s.sub(iou).square().mean().mul(iouWeight);
        return new NDList(f.add(d).add(i), f, d, i);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        if (in.length != 3
                || in[0].dimension() != 4
                || !in[1].equals(new Shape(in[0].get(0), in[0].get(1)))
                || !in[2].equals(new Shape(in[0].get(0), in[0].get(2), in[0].get(3)))) {
            throw new IllegalArgumentException("the sam loss takes [mask logits (B, M, H, W), predicted IoU (B, M),"
                    + " targets (B, H, W)], got " + Arrays.toString(in));
        }
        return new Shape[] {new Shape(), new Shape(), new Shape(), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
    }
}
