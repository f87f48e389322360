package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * CLIP's symmetric InfoNCE (Radford et al. 2021): the i-th image and i-th text are the only positives. Inputs
 * {@code [images (N, E), texts (N, E)]}; options {@code temperature} (initial, default 0.07 as in CLIP) and
 * {@code learn_temperature} (default true). See {@link ContrastiveLoss}.
 */
@Component(property = {"stoa.id=clip", "stoa.kind=loss", "stoa.version=1.0.0"})
public final class ClipLossFactory implements LossFactory {

    static final String ID = "clip";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(LossOptions.TEMPERATURE, 0.07);
        d.put(LossOptions.LEARN_TEMPERATURE, true);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        return new LossOptions(ID, defaults(), options).contrastive().build();
    }
}
