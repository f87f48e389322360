package dev.stoa.models.frozen.internal;

import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A Frozen variant ({@code variants/<name>.properties}, any key overridable from a training file's {@code model}
 * section), and what a trained version stores beside the vision encoder's parameters ({@value StoredFrozen#CONFIG}),
 * with the language model's version it was trained on.
 *
 * @param name the variant's name
 * @param lmModel the store id of the frozen language model ({@code gpt-captions})
 * @param lmVersion its version the model was trained on, or 0 before training (then the newest)
 * @param imageSize S, the side the image is resized to
 * @param imageEncoder {@code resnet}: the encoders bundle's ResNet, pooled (CoCa's image tower; the paper's is an
 *     NF-ResNet-50); {@code vit}: a conv stem, patches and a transformer from the platform's blocks, mean-pooled
 * @param imageWidths the ResNet's stage widths
 * @param imageBlocks the ResNet's residual blocks per stage
 * @param stemChannels (vit) the channels of the two 3x3 convolutions before the patches
 * @param patchSize (vit) p, the patch side: (S / p)^2 patch tokens
 * @param width (vit) W, the vision transformer's width
 * @param layers (vit) its layers
 * @param heads (vit) its attention heads
 * @param mlpRatio (vit) its MLP's hidden width over W
 * @param prefixLength k, the prefix embeddings the pooled image becomes (the paper: 2)
 * @param captionLength T, the most tokens of a caption with SOT and EOT
 * @param maxTokens the most tokens a generated caption may have
 */
record FrozenConfig(
        String name,
        String lmModel,
        int lmVersion,
        int imageSize,
        String imageEncoder,
        String imageWidths,
        int imageBlocks,
        int stemChannels,
        int patchSize,
        int width,
        int layers,
        int heads,
        double mlpRatio,
        int prefixLength,
        int captionLength,
        int maxTokens) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lm_model", lmModel);
        m.put("lm_version", lmVersion);
        m.put("image_size", imageSize);
        m.put("image_encoder", imageEncoder);
        m.put("image_widths", imageWidths);
        m.put("image_blocks", imageBlocks);
        m.put("stem_channels", stemChannels);
        m.put("patch_size", patchSize);
        m.put("width", width);
        m.put("layers", layers);
        m.put("heads", heads);
        m.put("mlp_ratio", mlpRatio);
        m.put("prefix_length", prefixLength);
        m.put("caption_length", captionLength);
        m.put("max_tokens", maxTokens);
        return m;
    }

    /** @return the ResNet encoder's hyperparameters, pooled output */
    Map<String, Object> resnet() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("widths", imageWidths);
        m.put("blocks_per_stage", imageBlocks);
        m.put("output", "pooled");
        return m;
    }

    /** @return whether the image encoder is the ResNet */
    boolean usesResnet() {
        return imageEncoder.equals("resnet");
    }

    /** @return (S / p)^2, the patch tokens */
    int patches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    /**
     * @param version the language model's version in the store
     * @return this variant, recording it
     */
    FrozenConfig withLmVersion(int version) {
        return new FrozenConfig(
                name,
                lmModel,
                version,
                imageSize,
                imageEncoder,
                imageWidths,
                imageBlocks,
                stemChannels,
                patchSize,
                width,
                layers,
                heads,
                mlpRatio,
                prefixLength,
                captionLength,
                maxTokens);
    }

    /** @return the keys {@link #read} reads back, with the name */
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("name", name);
        values().forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return p;
    }

    /**
     * @param overrides keys to change
     * @param where their place, for messages
     * @return this variant with them laid over it, checked again
     */
    FrozenConfig with(Map<String, ?> overrides, String where) {
        Properties p = toProperties();
        overrides.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return read(name, p, where);
    }

    /**
     * @param name the variant's name
     * @param p its keys
     * @param source the file or section, for messages
     * @return the variant; BAD_CONFIG naming the key when one is unknown, missing or invalid
     */
    static FrozenConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("Frozen", KEYS);
        String lm = r.text("lm_model");
        if (!lm.matches("[a-z0-9][a-z0-9._-]*")) {
            throw r.bad("lm_model", lm, "a model store id such as gpt-captions");
        }
        String encoder = r.text("image_encoder");
        if (!encoder.equals("resnet") && !encoder.equals("vit")) {
            throw r.bad("image_encoder", encoder, "resnet or vit");
        }
        String widths = r.text("image_widths");
        if (!widths.matches("[1-9][0-9]{0,3}(,[1-9][0-9]{0,3}){0,5}")) {
            throw r.bad("image_widths", widths, "stage widths such as 32,64,128");
        }
        FrozenConfig c = new FrozenConfig(
                name,
                lm,
                r.integerOr("lm_version", 0, 0, Integer.MAX_VALUE),
                r.integer("image_size", 16, 512),
                encoder,
                widths,
                r.integer("image_blocks", 1, 8),
                r.integer("stem_channels", 1, 256),
                r.integer("patch_size", 2, 64),
                r.integer("width", 8, 1024),
                r.integer("layers", 1, 24),
                r.integer("heads", 1, 64),
                r.number("mlp_ratio", 0.25, 16),
                r.integer("prefix_length", 1, 64),
                r.integer("caption_length", 4, 512),
                r.integer("max_tokens", 1, 511));
        if (c.width % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of width " + c.width);
        }
        if (c.imageSize % c.patchSize != 0) {
            throw r.bad("patch_size", c.patchSize, "a divisor of image_size " + c.imageSize);
        }
        if (c.maxTokens > c.captionLength - 1) {
            throw r.bad("max_tokens", c.maxTokens, "at most caption_length - 1 = " + (c.captionLength - 1));
        }
        return c;
    }

    private static final Set<String> KEYS = new FrozenConfig(
                    "keys", "x", 0, 16, "vit", "8", 1, 1, 2, 8, 1, 1, 1, 1, 4, 1)
            .values()
            .keySet();
}
