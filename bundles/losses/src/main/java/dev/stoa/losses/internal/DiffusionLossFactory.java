package dev.stoa.losses.internal;

import dev.stoa.nn.diffusion.DenoisingLoss;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * DDPM's objective for diffusion models (GLIDE, unCLIP): the mean squared error between the predicted and the true
 * noise, {@link DenoisingLoss}. Inputs {@code [predicted eps, eps]}, the same shape; no options.
 */
@Component(property = {"stoa.id=" + DiffusionLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class DiffusionLossFactory implements LossFactory {

    static final String ID = "diffusion";

    @Override
    public Map<String, Object> defaults() {
        return new LinkedHashMap<>();
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        new LossOptions(ID, defaults(), options);
        return new DenoisingLoss();
    }
}
