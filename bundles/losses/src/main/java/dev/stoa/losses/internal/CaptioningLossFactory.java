package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Token cross-entropy ignoring padding, for language models and captioners. Inputs {@code [logits (B, T, V), ids
 * (B, T)]}; options {@code ignore_id} (0, the padding id of {@code dev.stoa.nn.text.SpecialTokens}) and
 * {@code shift} (true: logits[:, t] predicts ids[:, t + 1]). See {@link CaptioningLoss}.
 */
@Component(property = {"stoa.id=" + CaptioningLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class CaptioningLossFactory implements LossFactory {

    static final String ID = "captioning";
    static final String IGNORE_ID = "ignore_id";
    static final String SHIFT = "shift";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(IGNORE_ID, 0);
        d.put(SHIFT, true);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        LossOptions o = new LossOptions(ID, defaults(), options);
        float ignore = o.number(IGNORE_ID);
        if (ignore != Math.rint(ignore) || ignore < 0) {
            throw o.bad(IGNORE_ID, ignore, "a token id of 0 or more (0 is the padding id)");
        }
        return new CaptioningLoss((long) ignore, o.flag(SHIFT));
    }
}
