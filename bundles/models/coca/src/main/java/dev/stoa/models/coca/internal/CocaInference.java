package dev.stoa.models.coca.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.nn.eval.ZeroShotClassifier;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.ByteTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trained CoCa version, as its services use it: greedy captions, the contrastive image and text embeddings, and
 * zero-shot classification with the learned logit scale. Thread-safe (one call at a time); owns its manager.
 */
final class CocaInference implements AutoCloseable {

    /** The most characters a text may have: the model reads at most T - 2 bytes of it anyway. */
    static final int MAX_TEXT_CHARS = 2000;

    private final String modelId;
    private final Coca model;
    private final ByteTokenizer tokenizer;
    private final NDManager manager;
    private final List<String> classes;
    private final List<String> templates;

    CocaInference(String modelId, Coca model, NDManager manager, List<String> classes, List<String> templates) {
        this.modelId = modelId;
        this.model = model;
        this.manager = manager;
        this.tokenizer = new ByteTokenizer(model.config().textLength());
        this.classes = List.copyOf(classes);
        this.templates = List.copyOf(templates);
    }

    String modelId() {
        return modelId;
    }

    CocaConfig config() {
        return model.config();
    }

    List<String> classes() {
        return classes;
    }

    List<String> templates() {
        return templates;
    }

    /** @return E */
    int dimension() {
        return model.config().embedDim();
    }

    /** @return the most bytes of a text the model reads (T minus the start and end tokens) */
    int maxTokens() {
        return model.config().textLength() - 2;
    }

    synchronized String caption(Image image) {
        try (NDManager m = manager.newSubManager()) {
            NDArray pixels = ImagePixels.batch(m, List.of(image), model.config().imageSize());
            return new CocaGreedy(model, tokenizer)
                    .captions(new ParameterStore(m, false), pixels)
                    .get(0);
        }
    }

    synchronized float[][] imageEmbeddings(List<Image> images) {
        try (NDManager m = manager.newSubManager()) {
            NDArray pixels = ImagePixels.batch(m, images, model.config().imageSize());
            return rows(model.encodeImage(new ParameterStore(m, false), pixels, false)
                    .get(0));
        }
    }

    synchronized float[][] textEmbeddings(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isBlank()) {
                throw StoaException.badInput("texts[" + i + "]", "is empty; send a caption such as 'two red circles'");
            }
            if (t.length() > MAX_TEXT_CHARS) {
                throw StoaException.badInput(
                        "texts[" + i + "]", "has " + t.length() + " characters; send at most " + MAX_TEXT_CHARS);
            }
        }
        try (NDManager m = manager.newSubManager()) {
            return rows(new CocaEvaluation(model, tokenizer).texts(new ParameterStore(m, false), m, texts));
        }
    }

    /** @return each label's probability, softmax over the learned scale times the cosines, in the labels' order */
    synchronized Map<String, Float> classify(Image image, List<String> labels, List<String> prompts) {
        for (String label : labels) {
            if (label.length() > MAX_TEXT_CHARS) {
                throw StoaException.badInput(
                        "labels", "has a label of " + label.length() + " characters; send at most " + MAX_TEXT_CHARS);
            }
        }
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            List<String> texts = new ArrayList<>();
            for (String label : labels) {
                for (String template : prompts) {
                    texts.add(template.replace("{}", label));
                }
            }
            NDArray classifier = ZeroShotClassifier.classifier(
                    new CocaEvaluation(model, tokenizer).texts(ps, m, texts), labels.size(), prompts.size());
            NDArray v = model.encodeImage(
                            ps,
                            ImagePixels.batch(m, List.of(image), model.config().imageSize()),
                            false)
                    .get(0);
            float[] p = ZeroShotClassifier.probabilities(
                            v, classifier, (float) model.config().logitScale())
                    .toFloatArray();
            Map<String, Float> out = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                out.put(labels.get(i), p[i]);
            }
            return out;
        }
    }

    private static float[][] rows(NDArray x) {
        int n = (int) x.getShape().get(0);
        int e = (int) x.getShape().get(1);
        float[] flat = x.toFloatArray();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * e, (i + 1) * e);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
