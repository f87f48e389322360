package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * MERLOT's pretraining loss: frame-transcript contrastive matching + masked language modelling + temporal reordering
 * (pairwise "frame i before frame j"), weighted. Inputs {@code [frames (N, E), transcripts (N, E), sentence ids (N),
 * token logits (B, T, V), token labels (B, T), order logits (P, 2), order labels (P)]}; options
 * {@code contrastive_weight}, {@code mlm_weight}, {@code order_weight} (1 each), {@code temperature} (0.07) and
 * {@code learn_temperature} (true) of the contrastive term. See {@link MerlotLoss}.
 */
@Component(property = {"stoa.id=" + MerlotLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class MerlotLossFactory implements LossFactory {

    static final String ID = "merlot";
    static final String CONTRASTIVE_WEIGHT = "contrastive_weight";
    static final String MLM_WEIGHT = "mlm_weight";
    static final String ORDER_WEIGHT = "order_weight";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(CONTRASTIVE_WEIGHT, 1.0);
        d.put(MLM_WEIGHT, 1.0);
        d.put(ORDER_WEIGHT, 1.0);
        d.put(LossOptions.TEMPERATURE, 0.07);
        d.put(LossOptions.LEARN_TEMPERATURE, true);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        LossOptions o = new LossOptions(ID, defaults(), options);
        float c = weight(o, CONTRASTIVE_WEIGHT);
        float mlm = weight(o, MLM_WEIGHT);
        float order = weight(o, ORDER_WEIGHT);
        if (c == 0 && mlm == 0 && order == 0) {
            throw o.bad(ORDER_WEIGHT, order, "a weight above 0 for at least one of the three terms");
        }
        return new MerlotLoss(o.contrastive().optLabelled(true).build(), c, mlm, order);
    }

    private static float weight(LossOptions o, String key) {
        float w = o.number(key);
        if (!(w >= 0) || !Float.isFinite(w)) {
            throw o.bad(key, w, "a weight of 0 or more, e.g. 1");
        }
        return w;
    }
}
