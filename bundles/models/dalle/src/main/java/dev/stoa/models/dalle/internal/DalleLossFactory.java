package dev.stoa.models.dalle.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code loss: {id: dalle, options: {text_weight: 0.125, image_weight: 0.875}}}: the next-token cross-entropy over
 * [caption tokens | image tokens], the text part weighted 1/8 and the image part 7/8 as in the paper
 * ({@link DalleLoss}).
 */
@Component(property = {"stoa.id=" + DalleLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class DalleLossFactory implements LossFactory {

    static final String ID = "dalle";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("text_weight", 0.125);
        d.put("image_weight", 0.875);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        return new DalleLoss((float) LossOptionReader.number(ID, defaults(), options, "text_weight", 0, 100), (float)
                LossOptionReader.number(ID, defaults(), options, "image_weight", 0, 100));
    }
}
