package dev.stoa.models.fusion.internal;

import dev.stoa.api.StoaException;
import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A VisualBERT variant ({@code variants/visualbert-<name>.properties}, any key overridable from a training file's
 * {@code model} section), and what a trained version stores beside its parameters ({@code visualbert.properties}).
 *
 * @param name the variant's name
 * @param width D, the transformer's width
 * @param layers the transformer's depth
 * @param heads attention heads
 * @param imageSize S, the side the image is resized to
 * @param patchSize p, the side of a patch: the image gives (S/p)² tokens
 * @param stemChannels channels of the 3x3 convolution before the patches
 * @param textLength T, the text's positions, [CLS] and [SEP] included
 * @param maxCount the most copies a caption counts (the dataset's {@code max_count})
 * @param maskProbability BERT's p: the chance that a word is masked
 * @param groundedMaskProbability the chance that a colour, shape or number word is masked
 * @param mlmFraction the fraction of a batch's pairs used for masked language modelling (matching captions, words
 *     masked, no matching label); the others are left unmasked for sentence-image prediction
 * @param negativeFraction of the sentence-image pairs, the fraction whose caption is replaced (the paper: one half)
 * @param hardNegativeFraction of those, the fraction replaced by a one-attribute change rather than a random caption
 */
record VisualBertConfig(
        String name,
        int width,
        int layers,
        int heads,
        int imageSize,
        int patchSize,
        int stemChannels,
        int textLength,
        int maxCount,
        double maskProbability,
        double groundedMaskProbability,
        double mlmFraction,
        double negativeFraction,
        double hardNegativeFraction) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("layers", layers);
        m.put("heads", heads);
        m.put("image_size", imageSize);
        m.put("patch_size", patchSize);
        m.put("stem_channels", stemChannels);
        m.put("text_length", textLength);
        m.put("max_count", maxCount);
        m.put("mask_probability", maskProbability);
        m.put("grounded_mask_probability", groundedMaskProbability);
        m.put("mlm_fraction", mlmFraction);
        m.put("negative_fraction", negativeFraction);
        m.put("hard_negative_fraction", hardNegativeFraction);
        return m;
    }

    /** @return the options of the pretraining pairs */
    PretrainingPairs.Options pairs() {
        return new PretrainingPairs.Options(
                textLength,
                maxCount,
                maskProbability,
                groundedMaskProbability,
                mlmFraction,
                negativeFraction,
                hardNegativeFraction);
    }

    /** @return the number of image tokens, (S/p)² */
    int patches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("name", name);
        values().forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return p;
    }

    /**
     * @param overrides keys from a training file's {@code model} section
     * @param where how messages name them, e.g. {@code model}
     * @return this variant with them applied
     */
    VisualBertConfig with(Map<String, ?> overrides, String where) {
        Properties p = toProperties();
        overrides.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return read(name, p, where);
    }

    /**
     * @param name the variant's name
     * @param p its keys; every one of {@link #values()} is required
     * @param source the file or section, for messages
     * @return the variant
     * @throws StoaException BAD_CONFIG naming the key if one is unknown, missing or invalid
     */
    static VisualBertConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("VisualBERT", KEYS.keySet());
        VisualBertConfig c = new VisualBertConfig(
                name,
                r.integer("width", 8, 1024),
                r.integer("layers", 1, 48),
                r.integer("heads", 1, 64),
                r.integer("image_size", 8, 512),
                r.integer("patch_size", 1, 64),
                r.integer("stem_channels", 1, 256),
                r.integer("text_length", 4, 512),
                r.integer("max_count", 1, 9),
                r.fraction("mask_probability", false),
                r.fraction("grounded_mask_probability", true),
                r.fraction("mlm_fraction", true),
                r.fraction("negative_fraction", true),
                r.fraction("hard_negative_fraction", true));
        if (c.width % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of width " + c.width);
        }
        if (c.imageSize % c.patchSize != 0) {
            throw r.bad("patch_size", c.patchSize, "a divisor of image_size " + c.imageSize);
        }
        return c;
    }

    private static final Map<String, Object> KEYS =
            new VisualBertConfig("keys", 8, 1, 1, 8, 1, 1, 4, 1, 0.1, 0, 0, 0, 0).values();
}
