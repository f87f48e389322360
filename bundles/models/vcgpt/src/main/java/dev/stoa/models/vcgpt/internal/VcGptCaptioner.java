package dev.stoa.models.vcgpt.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.Captioner;
import java.util.List;

/**
 * {@code vcgpt-<v>-caption}: {@code {"image"} -> {"text": "two red circles"}}, greedy with the logits the version was
 * trained with (self-ensembled). The grid comes from the frozen CLIP's service; thread-safe.
 */
final class VcGptCaptioner implements Captioner, AutoCloseable {

    private final VcGptConfig config;
    private final VcGpt model;
    private final NDManager manager;
    private final ImageGrid grid;
    private final CaptionDecoder decoder;

    VcGptCaptioner(VcGptConfig config, VcGpt model, NDManager manager, ImageGrid grid) {
        this.config = config;
        this.model = model;
        this.manager = manager;
        this.grid = grid;
        this.decoder = new CaptionDecoder(model, config);
    }

    @Override
    public Text call(Image image) {
        if (image == null) {
            throw StoaException.badInput("image", "is missing; send the base64 of a PNG or JPEG file");
        }
        float[][] features = grid.features(List.of(image))[0];
        float[] flat = new float[features.length * features[0].length];
        for (int i = 0; i < features.length; i++) {
            System.arraycopy(features[i], 0, flat, i * features[i].length, features[i].length);
        }
        try (NDManager call = manager.newSubManager()) {
            return new Text(decoder.captions(
                            new ParameterStore(call, false),
                            call,
                            flat,
                            features.length,
                            features[0].length,
                            config.logits())
                    .get(0));
        }
    }

    /** @return its variant */
    VcGptConfig config() {
        return config;
    }

    /** @return the model, for tests */
    VcGpt model() {
        return model;
    }

    @Override
    public void close() {
        manager.close();
    }
}
