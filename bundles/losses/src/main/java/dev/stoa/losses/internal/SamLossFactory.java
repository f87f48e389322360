package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * SAM's loss: focal + dice on the best of the predicted masks, plus the MSE of the predicted IoU. Inputs
 * {@code [mask logits (B, M, H, W), predicted IoU (B, M), targets (B, H, W)]}; options {@code focal_weight} (20),
 * {@code dice_weight} (1), {@code iou_weight} (1), {@code focal_alpha} (0.25), {@code focal_gamma} (2). See
 * {@link SamLoss}.
 */
@Component(property = {"stoa.id=" + SamLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class SamLossFactory implements LossFactory {

    static final String ID = "sam";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("focal_weight", 20.0);
        d.put("dice_weight", 1.0);
        d.put("iou_weight", 1.0);
        d.put("focal_alpha", 0.25);
        d.put("focal_gamma", 2.0);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        LossOptions o = new LossOptions(ID, defaults(), options);
        float f = weight(o, "focal_weight");
        float d = weight(o, "dice_weight");
        float i = weight(o, "iou_weight");
        if (f == 0 && d == 0) {
            throw o.bad("dice_weight", d, "a weight above 0 for focal_weight or dice_weight");
        }
        float alpha = o.number("focal_alpha");
        if (!(alpha >= 0 && alpha <= 1)) {
            throw o.bad("focal_alpha", alpha, "a number in [0, 1], e.g. 0.25");
        }
        float gamma = weight(o, "focal_gamma");
        return new SamLoss(f, d, i, alpha, gamma);
    }

    private static float weight(LossOptions o, String key) {
        float w = o.number(key);
        if (!(w >= 0) || !Float.isFinite(w)) {
            throw o.bad(key, w, "a number of 0 or more");
        }
        return w;
    }
}
