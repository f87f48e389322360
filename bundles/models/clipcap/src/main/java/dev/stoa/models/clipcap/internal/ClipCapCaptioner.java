package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.Captioner;
import java.util.List;

/**
 * One trained ClipCap as a {@link Captioner}, {@code stoa.id=clipcap-<name>}: the image's embedding from the CLIP
 * image service, then {@link CaptionWriter}. Thread-safe; owns the manager its parameters live in.
 */
final class ClipCapCaptioner implements Captioner, AutoCloseable {

    private final ClipCapConfig config;
    private final NDManager manager;
    private final ImageEmbedder embedder;
    private final CaptionWriter writer;
    private final ClipCap model;

    ClipCapCaptioner(ClipCapConfig config, ClipCap model, NDManager manager, ImageEmbedder embedder) {
        this.config = config;
        this.model = model;
        this.manager = manager;
        this.embedder = embedder;
        this.writer = new CaptionWriter(model, config);
    }

    ClipCapConfig config() {
        return config;
    }

    /** @return the model, for its ONNX export */
    ClipCap model() {
        return model;
    }

    /** @return E, the width of the CLIP embeddings it maps */
    int embeddingSize() {
        return embedder.dimension();
    }

    @Override
    public Text call(Image image) {
        float[][] v = embedder.embed(List.of(image));
        return new Text(
                writer.write(new ParameterStore(manager, false), manager, v).get(0));
    }

    @Override
    public void close() {
        manager.close();
    }
}
