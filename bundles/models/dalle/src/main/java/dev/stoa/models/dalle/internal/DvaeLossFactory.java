package dev.stoa.models.dalle.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code loss: {id: dalle-dvae, options: {kl_weight: 0.001}}}: the discrete VAE's reconstruction error plus a small
 * weight times the KL divergence of its code distribution from the uniform prior ({@link DvaeLoss}).
 */
@Component(property = {"stoa.id=" + DvaeLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class DvaeLossFactory implements LossFactory {

    static final String ID = "dalle-dvae";
    static final String KL_WEIGHT = "kl_weight";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(KL_WEIGHT, 0.001);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        return new DvaeLoss((float) LossOptionReader.number(ID, defaults(), options, KL_WEIGHT, 0, 100));
    }
}
