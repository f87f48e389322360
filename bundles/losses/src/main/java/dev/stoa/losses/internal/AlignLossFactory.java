package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * ALIGN's contrastive loss (Jia et al. 2021) for noisy web pairs: CLIP's, with label smoothing so a mismatched
 * pair is not pushed to probability 0. Inputs {@code [images (N, E), texts (N, E)]}; options {@code temperature}
 * (default 0.07), {@code learn_temperature} (default true) and {@code label_smoothing} (default 0.1, the value
 * Hugging Face's ALIGN port uses in its {@code contrastive_loss}). See {@link ContrastiveLoss}.
 */
@Component(property = {"stoa.id=align", "stoa.kind=loss", "stoa.version=1.0.0"})
public final class AlignLossFactory implements LossFactory {

    static final String ID = "align";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(LossOptions.TEMPERATURE, 0.07);
        d.put(LossOptions.LEARN_TEMPERATURE, true);
        d.put(LossOptions.LABEL_SMOOTHING, 0.1);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        LossOptions read = new LossOptions(ID, defaults(), options);
        float smoothing = read.number(LossOptions.LABEL_SMOOTHING);
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw read.bad(LossOptions.LABEL_SMOOTHING, smoothing, "a value in [0, 1), e.g. 0.1");
        }
        return read.contrastive().optLabelSmoothing(smoothing).build();
    }
}
