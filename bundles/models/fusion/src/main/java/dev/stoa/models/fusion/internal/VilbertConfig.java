package dev.stoa.models.fusion.internal;

import dev.stoa.api.StoaException;
import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A ViLBERT variant ({@code variants/vilbert-<name>.properties}, any key overridable from a training file's
 * {@code model} section), and what a trained version stores beside its parameters ({@code vilbert.properties}).
 *
 * @param name the variant's name
 * @param textWidth D_l, the linguistic stream's width
 * @param textHeads its attention heads
 * @param textLayers its transformer layers before the first co-attention layer
 * @param imageWidth D_v, the visual stream's width
 * @param imageHeads its attention heads
 * @param imageLayers its transformer layers before the first co-attention layer
 * @param coLayers co-attention layers, each followed by one transformer layer in each stream
 * @param imageSize S, the side the image is resized to
 * @param patchSize p, the side of a patch: the image gives (S/p)² region tokens after the [IMG] token
 * @param stemChannels channels of the two 3x3 convolutions before the patches
 * @param textLength T, the text's positions, [CLS] and [SEP] included
 * @param maxCount the most copies a caption counts (the dataset's {@code max_count})
 * @param maskProbability BERT's p: the chance that a word is masked
 * @param groundedMaskProbability the chance that a colour, shape or number word is masked
 * @param regionMaskProbability the chance that an image patch of a masked-modelling pair is masked (the paper: 15%)
 * @param mlmFraction the fraction of a batch's pairs used for masked multimodal modelling (matching captions, words
 *     and patches masked, no matching label); the others are left unmasked for alignment prediction
 * @param negativeFraction of the alignment pairs, the fraction whose caption is replaced (the paper: one half)
 * @param hardNegativeFraction of those, the fraction replaced by a one-attribute change rather than a random caption
 */
record VilbertConfig(
        String name,
        int textWidth,
        int textHeads,
        int textLayers,
        int imageWidth,
        int imageHeads,
        int imageLayers,
        int coLayers,
        int imageSize,
        int patchSize,
        int stemChannels,
        int textLength,
        int maxCount,
        double maskProbability,
        double groundedMaskProbability,
        double regionMaskProbability,
        double mlmFraction,
        double negativeFraction,
        double hardNegativeFraction) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text_width", textWidth);
        m.put("text_heads", textHeads);
        m.put("text_layers", textLayers);
        m.put("image_width", imageWidth);
        m.put("image_heads", imageHeads);
        m.put("image_layers", imageLayers);
        m.put("co_layers", coLayers);
        m.put("image_size", imageSize);
        m.put("patch_size", patchSize);
        m.put("stem_channels", stemChannels);
        m.put("text_length", textLength);
        m.put("max_count", maxCount);
        m.put("mask_probability", maskProbability);
        m.put("grounded_mask_probability", groundedMaskProbability);
        m.put("region_mask_probability", regionMaskProbability);
        m.put("mlm_fraction", mlmFraction);
        m.put("negative_fraction", negativeFraction);
        m.put("hard_negative_fraction", hardNegativeFraction);
        return m;
    }

    /** @return the options of the pretraining pairs (the words' masking and the captions' replacement) */
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

    /** @return N, the number of image patches, (S/p)² */
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
    VilbertConfig with(Map<String, ?> overrides, String where) {
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
    static VilbertConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("ViLBERT", KEYS.keySet());
        VilbertConfig c = new VilbertConfig(
                name,
                r.integer("text_width", 8, 1024),
                r.integer("text_heads", 1, 64),
                r.integer("text_layers", 0, 48),
                r.integer("image_width", 8, 1024),
                r.integer("image_heads", 1, 64),
                r.integer("image_layers", 0, 48),
                r.integer("co_layers", 1, 24),
                r.integer("image_size", 8, 512),
                r.integer("patch_size", 1, 64),
                r.integer("stem_channels", 1, 256),
                r.integer("text_length", 4, 512),
                r.integer("max_count", 1, 9),
                r.fraction("mask_probability", false),
                r.fraction("grounded_mask_probability", true),
                r.fraction("region_mask_probability", true),
                r.fraction("mlm_fraction", true),
                r.fraction("negative_fraction", true),
                r.fraction("hard_negative_fraction", true));
        if (c.textWidth % c.textHeads != 0) {
            throw r.bad("text_heads", c.textHeads, "a divisor of text_width " + c.textWidth);
        }
        if (c.imageWidth % c.imageHeads != 0) {
            throw r.bad("image_heads", c.imageHeads, "a divisor of image_width " + c.imageWidth);
        }
        if (c.imageSize % c.patchSize != 0) {
            throw r.bad("patch_size", c.patchSize, "a divisor of image_size " + c.imageSize);
        }
        return c;
    }

    private static final Map<String, Object> KEYS =
            new VilbertConfig("keys", 8, 1, 0, 8, 1, 0, 1, 8, 1, 1, 4, 1, 0.1, 0, 0, 0, 0, 0).values();
}
