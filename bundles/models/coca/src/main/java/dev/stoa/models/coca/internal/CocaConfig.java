package dev.stoa.models.coca.internal;

import dev.stoa.api.StoaException;
import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A CoCa variant ({@code variants/<name>.properties}, any key overridable from a training file's {@code model}
 * section), and what a trained version stores beside its parameters ({@code coca.properties}).
 *
 * @param name the variant's name
 * @param width D, the text decoders' width (and the poolers' output)
 * @param heads attention heads of the decoders and the poolers
 * @param textLayers the text layers: the first half the unimodal decoder, the other half the multimodal one
 * @param embedDim E, the contrastive embedding's width
 * @param imageSize S, the side the image is resized to
 * @param imageWidths the ResNet image encoder's stage widths (the {@code resnet} encoder's {@code widths})
 * @param imageBlocks residual blocks per stage
 * @param captionQueries n, the captioning pooler's queries (the contrastive pooler has one)
 * @param textLength T, the byte tokens of a caption, start and end tokens included
 * @param logitScale exp(t) of the contrastive loss as trained (zero-shot scores); 1/0.07 before training
 */
record CocaConfig(
        String name,
        int width,
        int heads,
        int textLayers,
        int embedDim,
        int imageSize,
        String imageWidths,
        int imageBlocks,
        int captionQueries,
        int textLength,
        double logitScale) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("heads", heads);
        m.put("text_layers", textLayers);
        m.put("embed_dim", embedDim);
        m.put("image_size", imageSize);
        m.put("image_widths", imageWidths);
        m.put("image_blocks", imageBlocks);
        m.put("caption_queries", captionQueries);
        m.put("text_length", textLength);
        m.put("logit_scale", logitScale);
        return m;
    }

    /** @return the unimodal (text-only) layers, the first half */
    int unimodalLayers() {
        return textLayers / 2;
    }

    /** @return the multimodal (cross-attending) layers, the other half */
    int multimodalLayers() {
        return textLayers - unimodalLayers();
    }

    /** @return the ResNet encoder's hyperparameters, patch tokens out */
    Map<String, Object> imageEncoder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("widths", imageWidths);
        m.put("blocks_per_stage", imageBlocks);
        m.put("output", "tokens");
        return m;
    }

    CocaConfig withLogitScale(double scale) {
        return new CocaConfig(
                name,
                width,
                heads,
                textLayers,
                embedDim,
                imageSize,
                imageWidths,
                imageBlocks,
                captionQueries,
                textLength,
                scale);
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
    CocaConfig with(Map<String, ?> overrides, String where) {
        Properties p = toProperties();
        overrides.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return read(name, p, where);
    }

    /**
     * @param name the variant's name
     * @param p its keys; every one of {@link #values()} but {@code logit_scale} is required
     * @param source the file or section, for messages
     * @return the variant
     * @throws StoaException BAD_CONFIG naming the key if one is unknown, missing or invalid
     */
    static CocaConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("CoCa", KEYS);
        String widths = r.text("image_widths");
        if (!widths.matches("[1-9][0-9]{0,3}(,[1-9][0-9]{0,3}){0,5}")) {
            throw r.bad("image_widths", widths, "stage widths such as 32,64,128");
        }
        double scale = p.getProperty("logit_scale") == null ? 1 / 0.07 : r.number("logit_scale", 1, 100);
        CocaConfig c = new CocaConfig(
                name,
                r.integer("width", 8, 1024),
                r.integer("heads", 1, 64),
                r.integer("text_layers", 2, 48),
                r.integer("embed_dim", 4, 1024),
                r.integer("image_size", 16, 512),
                widths,
                r.integer("image_blocks", 1, 8),
                r.integer("caption_queries", 1, 1024),
                r.integer("text_length", 4, 512),
                scale);
        if (c.width % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of width " + c.width);
        }
        if (c.textLayers % 2 != 0) {
            throw r.bad("text_layers", c.textLayers, "an even number: half unimodal, half multimodal");
        }
        return c;
    }

    private static final java.util.Set<String> KEYS =
            new CocaConfig("keys", 8, 1, 2, 4, 16, "8", 1, 1, 4, 1).values().keySet();
}
