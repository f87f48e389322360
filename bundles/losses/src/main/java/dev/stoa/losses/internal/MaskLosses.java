package dev.stoa.losses.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Per-mask segmentation losses over logits {@code x (..., H, W)} and binary targets {@code t (..., H, W)}, each
 * reduced over the two pixel axes to {@code (...)}, with {@code p = σ(x)}:
 *
 * <pre>
 * focal = mean_px  α_t (1 - p_t)^γ BCE(x, t)     p_t = p t + (1 - p)(1 - t), α_t = α t + (1 - α)(1 - t)
 *                                                (Lin et al. 2017; BCE from logits: max(x, 0) - x t + log(1 + e^-|x|))
 * dice  = 1 - (2 Σ p t + 1) / (Σ p + Σ t + 1)     (Milletari et al. 2016, smoothed by 1 as SAM's code)
 * iou   = Σ [x > 0] t / Σ max([x > 0], t)          1 when both are empty; no gradient (a target for the IoU head)
 * </pre>
 */
final class MaskLosses {

    private MaskLosses() {}

    /** @return the focal loss of each mask, {@code (...)} */
    static NDArray focal(NDArray x, NDArray t, float alpha, float gamma) {
        NDArray p = Activation.sigmoid(x);
        NDArray bce =
                x.maximum(0f).sub(x.mul(t)).add(x.abs().neg().exp().add(1f).log());
        NDArray pt = p.mul(t).add(p.neg().add(1f).mul(t.neg().add(1f)));
        NDArray at = t.mul(alpha).add(t.neg().add(1f).mul(1f - alpha));
        NDArray loss = at.mul(pt.neg().add(1f).pow(gamma)).mul(bce);
        int d = x.getShape().dimension();
        long pixels = x.getShape().get(d - 2) * x.getShape().get(d - 1);
        // PyTorch's mean takes one axis in DJL: sum over both, then divide
        return loss.sum(new int[] {d - 2, d - 1}).div((float) pixels);
    }

    /** @return the dice loss of each mask, {@code (...)} */
    static NDArray dice(NDArray x, NDArray t) {
        NDArray p = Activation.sigmoid(x);
        int d = x.getShape().dimension();
        int[] px = {d - 2, d - 1};
        NDArray num = p.mul(t).sum(px).mul(2f).add(1f);
        NDArray den = p.sum(px).add(t.sum(px)).add(1f);
        return num.div(den).neg().add(1f);
    }

    /** @return the IoU of each thresholded mask with its target, {@code (...)}, without gradient */
    static NDArray iou(NDArray x, NDArray t) {
        NDArray pred = x.stopGradient().gt(0f).toType(t.getDataType(), false);
        int d = x.getShape().dimension();
        int[] px = {d - 2, d - 1};
        NDArray inter = pred.mul(t).sum(px);
        NDArray union = pred.maximum(t).sum(px);
        // empty and empty agree: IoU 1
        return inter.add(1e-6f).div(union.add(1e-6f));
    }
}
