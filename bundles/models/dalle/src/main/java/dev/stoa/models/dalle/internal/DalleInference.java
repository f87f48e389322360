package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.ByteTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * One loaded version for serving: a discrete VAE and, for a {@code dalle-*} model, the transformer trained on its
 * tokens. Each call works in its own sub-manager and parameter store, so calls may run at the same time.
 */
final class DalleInference implements AutoCloseable {

    private final String modelId;
    private final Dvae dvae;
    private final Dalle model;
    private final ByteTokenizer tokenizer;
    private final NDManager manager;

    /**
     * @param modelId the store id
     * @param dvae the discrete VAE, loaded
     * @param model the transformer, loaded, or null for a {@code dalle-dvae-*} model
     * @param manager where both live; closed with this
     */
    DalleInference(String modelId, Dvae dvae, Dalle model, NDManager manager) {
        this.modelId = modelId;
        this.dvae = dvae;
        this.model = model;
        this.tokenizer = model == null ? null : new ByteTokenizer(model.config().textLength());
        this.manager = manager;
    }

    String modelId() {
        return modelId;
    }

    DvaeConfig dvaeConfig() {
        return dvae.config();
    }

    DalleConfig config() {
        return model.config();
    }

    /** @return the most bytes a caption may have: the text length less the start and end tokens */
    int maxTextBytes() {
        return model.config().textLength() - 2;
    }

    /**
     * @param text the caption
     * @param n how many samples
     * @param seed the seed: sample i draws from the i-th generator split from {@code new SplittableRandom(seed)}
     * @param temperature the softmax temperature
     * @param topK top-k (0: all codes)
     * @param progress told the tokens drawn after each step
     * @return n images
     */
    List<Image> draw(String text, int n, long seed, double temperature, int topK, IntConsumer progress) {
        SplittableRandom root = new SplittableRandom(seed);
        List<SplittableRandom> randoms = new ArrayList<>(n);
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            randoms.add(root.split());
            texts.add(text);
        }
        try (NDManager m = manager.newSubManager()) {
            return DalleSampler.sample(
                            model,
                            dvae,
                            new ParameterStore(m, false),
                            m,
                            tokenizer,
                            texts,
                            randoms,
                            temperature,
                            topK,
                            progress)
                    .images();
        }
    }

    /** @return the image's tokens, {@code G x G} row by row (the image resized to S first) */
    long[] encode(Image image) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = ImagePixels.batch(m, List.of(image), dvae.config().imageSize());
            return dvae.encode(new ParameterStore(m, false), x).toLongArray();
        }
    }

    /** @return the image a grid of tokens decodes to, S x S */
    Image decode(long[] tokens) {
        try (NDManager m = manager.newSubManager()) {
            NDArray t = m.create(tokens, new Shape(1, tokens.length));
            return DallePixels.images(dvae.decode(new ParameterStore(m, false), t))
                    .get(0);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
