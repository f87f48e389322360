package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.Captioner;
import java.util.List;

/**
 * {@code frozen-<v>-caption}: {@code {"image"} -> {"text": "two red circles"}}, greedy, the image's prefix before the
 * frozen language model. Thread-safe.
 */
final class FrozenCaptioner implements Captioner, AutoCloseable {

    private final FrozenConfig config;
    private final Frozen model;
    private final NDManager manager;
    private final CaptionDecoder decoder;

    FrozenCaptioner(FrozenConfig config, Frozen model, NDManager manager) {
        this.config = config;
        this.model = model;
        this.manager = manager;
        this.decoder = new CaptionDecoder(model, config);
    }

    @Override
    public Text call(Image image) {
        if (image == null) {
            throw StoaException.badInput("image", "is missing; send the base64 of a PNG or JPEG file");
        }
        try (NDManager call = manager.newSubManager()) {
            return new Text(
                    decoder.captions(new ParameterStore(call, false), call, List.of(image), config.imageSize(), false)
                            .get(0));
        }
    }

    /** @return its variant */
    FrozenConfig config() {
        return config;
    }

    /** @return the model, for tests */
    Frozen model() {
        return model;
    }

    @Override
    public void close() {
        manager.close();
    }
}
