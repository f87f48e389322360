package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Masked language modelling plus image-text matching, the pretraining loss of VisualBERT and ViLBERT. Inputs
 * {@code [token logits (B, T, V), matching logits (B, 2), token labels (B, T), matching labels (B)]}, labels
 * {@code -1} where no token was masked; options {@code mlm_weight} (1), {@code itm_weight} (1) and
 * {@code region_weight} (0: ViLBERT's masked regions, two further inputs {@code [region logits (B, N, C), region
 * targets (B, N, C)]}, when above 0). See
 * {@link MaskedMatchingLoss}.
 */
@Component(property = {"stoa.id=" + MaskedMatchingLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class MaskedMatchingLossFactory implements LossFactory {

    static final String ID = "masked-matching";
    static final String MLM_WEIGHT = "mlm_weight";
    static final String ITM_WEIGHT = "itm_weight";
    static final String REGION_WEIGHT = "region_weight";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(MLM_WEIGHT, 1.0);
        d.put(ITM_WEIGHT, 1.0);
        d.put(REGION_WEIGHT, 0.0);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        LossOptions o = new LossOptions(ID, defaults(), options);
        float mlm = o.number(MLM_WEIGHT);
        float itm = o.number(ITM_WEIGHT);
        float region = o.number(REGION_WEIGHT);
        if (!(mlm >= 0) || !Float.isFinite(mlm)) {
            throw o.bad(MLM_WEIGHT, mlm, "a weight of 0 or more, e.g. 1");
        }
        if (!(itm >= 0) || !Float.isFinite(itm)) {
            throw o.bad(ITM_WEIGHT, itm, "a weight of 0 or more, e.g. 1");
        }
        if (!(region >= 0) || !Float.isFinite(region)) {
            throw o.bad(
                    REGION_WEIGHT,
                    region,
                    "a weight of 0 or more: 0 (VisualBERT) or e.g. 1 (ViLBERT's masked regions)");
        }
        if (mlm == 0 && itm == 0) {
            throw o.bad(ITM_WEIGHT, itm, "a weight above 0 for at least one of mlm_weight and itm_weight");
        }
        return new MaskedMatchingLoss(mlm, itm, region);
    }
}
