package dev.stoa.models.simvlm.internal;

import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.Captioner;

/**
 * SimVLM as a {@link Captioner}, {@code stoa.id=simvlm-<v>-caption}: the greedy continuation of an empty prefix.
 * {@code {"image": "<base64 PNG/JPEG>"}} -> {@code {"text": "two red circles"}}.
 */
final class CaptionService implements Captioner {

    private final SimVlmInference model;

    CaptionService(SimVlmInference model) {
        this.model = model;
    }

    @Override
    public Text call(Image image) {
        return new Text(model.caption(image));
    }
}
