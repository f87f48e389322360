package dev.stoa.losses.internal;

import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * CoCa's contrastive + captioning loss, as open_clip's {@code CoCaLoss}. Inputs {@code [images (B, E), texts (B, E),
 * logits (B, T, V), ids (B, T)]}; options {@code clip_weight} (1), {@code caption_weight} (2, open_clip's default),
 * {@code temperature} (0.07) and {@code learn_temperature} (true) of the contrastive term, {@code ignore_id} (0, the
 * padding id) of the captioning term, whose targets are the ids shifted by one. See {@link CocaLoss}.
 */
@Component(property = {"stoa.id=" + CocaLossFactory.ID, "stoa.kind=loss", "stoa.version=1.0.0"})
public final class CocaLossFactory implements LossFactory {

    static final String ID = "coca";
    static final String CLIP_WEIGHT = "clip_weight";
    static final String CAPTION_WEIGHT = "caption_weight";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(CLIP_WEIGHT, 1.0);
        d.put(CAPTION_WEIGHT, 2.0);
        d.put(LossOptions.TEMPERATURE, 0.07);
        d.put(LossOptions.LEARN_TEMPERATURE, true);
        d.put(CaptioningLossFactory.IGNORE_ID, 0);
        return d;
    }

    @Override
    public TrainingLoss create(Map<String, ?> options) {
        LossOptions o = new LossOptions(ID, defaults(), options);
        float clip = o.number(CLIP_WEIGHT);
        float caption = o.number(CAPTION_WEIGHT);
        if (!(clip >= 0) || !Float.isFinite(clip)) {
            throw o.bad(CLIP_WEIGHT, clip, "a weight of 0 or more, e.g. 1");
        }
        if (!(caption >= 0) || !Float.isFinite(caption)) {
            throw o.bad(CAPTION_WEIGHT, caption, "a weight of 0 or more, e.g. 2 (open_clip's)");
        }
        if (clip == 0 && caption == 0) {
            throw o.bad(CAPTION_WEIGHT, caption, "a weight above 0 for at least one of clip_weight and caption_weight");
        }
        // the captioning term exactly as the `captioning` loss builds it (shifted targets, padding ignored)
        Map<String, Object> captioning = new LinkedHashMap<>();
        captioning.put(CaptioningLossFactory.IGNORE_ID, o.number(CaptioningLossFactory.IGNORE_ID));
        CaptioningLoss cap = (CaptioningLoss) new CaptioningLossFactory().create(captioning);
        return new CocaLoss(o.contrastive().build(), cap, clip, caption);
    }
}
