package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Florence's unified contrastive loss, UniCL (Yang et al. 2022, "Unified Contrastive Learning in Image-Text-Label
 * Space"): image-label and image-text data in one batch, where every pair that shares a label is a positive.
 * Inputs {@code [images (N, E), texts (N, E), labels (N)]} (integers; give image-text pairs unique labels); options
 * {@code temperature} (default 0.07) and {@code learn_temperature} (default true). See {@link ContrastiveLoss}.
 */
@Component(property = {"stoa.id=unicl", "stoa.kind=loss", "stoa.version=1.0.0"})
public final class UniClLossFactory implements LossFactory {

    static final String ID = "unicl";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(LossOptions.TEMPERATURE, 0.07);
        d.put(LossOptions.LEARN_TEMPERATURE, true);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        return new LossOptions(ID, defaults(), options)
                .contrastive()
                .optLabelled(true)
                .build();
    }
}
