package dev.stoa.models.simvlm.internal;

import dev.stoa.api.StoaException;
import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A SimVLM variant ({@code variants/<name>.properties}, any key overridable from a training file's {@code model}
 * section), and what a trained version stores beside its parameters ({@code simvlm.properties}).
 *
 * @param name the variant's name
 * @param width D, the width of encoder and decoder
 * @param encoderLayers the encoder's depth
 * @param decoderLayers the decoder's depth
 * @param heads attention heads
 * @param imageSize S, the side the image is resized to
 * @param patchSize p, the side of a patch of the convolutional stage's feature map (S/2): (S/2p)² image tokens
 * @param stemChannels channels of the two 3x3 convolutions
 * @param textLength T: the prefix holds up to T - 2 words, the decoder T positions (start token, the words, end)
 * @param maxCount the most copies a caption counts (the dataset's {@code max_count})
 * @param textOnlyFraction the share of a batch's rows that are text only (the image tokens masked out)
 */
record SimVlmConfig(
        String name,
        int width,
        int encoderLayers,
        int decoderLayers,
        int heads,
        int imageSize,
        int patchSize,
        int stemChannels,
        int textLength,
        int maxCount,
        double textOnlyFraction) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("encoder_layers", encoderLayers);
        m.put("decoder_layers", decoderLayers);
        m.put("heads", heads);
        m.put("image_size", imageSize);
        m.put("patch_size", patchSize);
        m.put("stem_channels", stemChannels);
        m.put("text_length", textLength);
        m.put("max_count", maxCount);
        m.put("text_only_fraction", textOnlyFraction);
        return m;
    }

    /** @return N, the number of image tokens, (S/2p)² */
    int patches() {
        int side = imageSize / 2 / patchSize;
        return side * side;
    }

    /** @return the most words a prefix (and a whole caption) holds, T - 2 */
    int maxWords() {
        return textLength - 2;
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
    SimVlmConfig with(Map<String, ?> overrides, String where) {
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
    static SimVlmConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("SimVLM", KEYS.keySet());
        SimVlmConfig c = new SimVlmConfig(
                name,
                r.integer("width", 8, 1024),
                r.integer("encoder_layers", 1, 48),
                r.integer("decoder_layers", 1, 48),
                r.integer("heads", 1, 64),
                r.integer("image_size", 8, 512),
                r.integer("patch_size", 1, 64),
                r.integer("stem_channels", 1, 256),
                r.integer("text_length", 4, 64),
                r.integer("max_count", 1, 9),
                r.fraction("text_only_fraction", true));
        if (c.width % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of width " + c.width);
        }
        if (c.imageSize % (2 * c.patchSize) != 0) {
            throw r.bad("patch_size", c.patchSize, "a divisor of image_size / 2 = " + c.imageSize / 2.0);
        }
        if (c.textOnlyFraction >= 1) {
            throw r.bad("text_only_fraction", c.textOnlyFraction, "a number from 0 to below 1 (some rows need images)");
        }
        return c;
    }

    private static final Map<String, Object> KEYS = new SimVlmConfig("keys", 8, 1, 1, 1, 8, 1, 1, 4, 1, 0).values();
}
