package dev.stoa.models.sam.internal;

import dev.stoa.api.StoaException;
import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A SAM variant ({@code variants/<name>.properties}, any key overridable from a training file's {@code model}
 * section), and what a trained version stores beside its parameters ({@code sam.properties}).
 *
 * @param name the variant's name
 * @param width D, the width of the image embedding, the prompt tokens and the decoder
 * @param heads attention heads of the encoder and the decoder
 * @param imageSize S, the side images are resized to
 * @param patchSize p, the side of a patch: the image embedding is a G x G grid, G = S / p
 * @param stemChannels channels of the full-resolution 3x3 convolution before the patches; 0 for none (a plain ViT)
 * @param encoderLayers the image encoder's transformer layers
 * @param decoderLayers the mask decoder's two-way layers
 * @param maskOutputs M, the masks predicted per prompt (SAM: 3, for whole, part and subpart)
 * @param highResolution whether the mask decoder adds high-resolution features of the image (a 3x3 convolution at
 *     full resolution) to its upscaled embedding, as SAM 2 does with its encoder's early stages; needs S = 4G
 * @param promptsPerImage prompts trained per image and step: the image is encoded once and its embedding decoded
 *     for each (SAM trains up to 64 masks per image), so a step costs one encoder pass per image
 */
record SamConfig(
        String name,
        int width,
        int heads,
        int imageSize,
        int patchSize,
        int stemChannels,
        int encoderLayers,
        int decoderLayers,
        int maskOutputs,
        boolean highResolution,
        int promptsPerImage) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("heads", heads);
        m.put("image_size", imageSize);
        m.put("patch_size", patchSize);
        m.put("stem_channels", stemChannels);
        m.put("encoder_layers", encoderLayers);
        m.put("decoder_layers", decoderLayers);
        m.put("mask_outputs", maskOutputs);
        m.put("high_resolution", highResolution);
        m.put("prompts_per_image", promptsPerImage);
        return m;
    }

    /** @return G, the side of the image embedding's grid */
    int grid() {
        return imageSize / patchSize;
    }

    /** @return the side of the predicted masks (and of a mask prompt): 4 G, SAM's 4x upscaling */
    int maskSize() {
        return 4 * grid();
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("name", name);
        values().forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return p;
    }

    /**
     * @param name the variant's name
     * @param p its keys, all required
     * @param source the file or section, for messages
     * @return the variant
     * @throws StoaException BAD_CONFIG naming the key if one is unknown, missing or invalid
     */
    static SamConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("SAM", KEYS);
        SamConfig c = new SamConfig(
                name,
                r.integer("width", 8, 1024),
                r.integer("heads", 1, 64),
                r.integer("image_size", 16, 1024),
                r.integer("patch_size", 1, 64),
                r.integer("stem_channels", 0, 256),
                r.integer("encoder_layers", 1, 32),
                r.integer("decoder_layers", 1, 8),
                r.integer("mask_outputs", 1, 8),
                highResolution(r),
                r.integer("prompts_per_image", 1, 64));
        if (c.width % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of width " + c.width);
        }
        if (c.width % 8 != 0) {
            throw r.bad("width", c.width, "a multiple of 8 (the upscaled embedding has width / 8 channels)");
        }
        if (c.imageSize % c.patchSize != 0) {
            throw r.bad("patch_size", c.patchSize, "a divisor of image_size " + c.imageSize);
        }
        if (c.highResolution && c.maskSize() != c.imageSize) {
            throw r.bad("high_resolution", true, "false, or a patch_size of 4 (masks of 4 G = image_size pixels)");
        }
        return c;
    }

    private static boolean highResolution(VariantReader r) {
        String v = r.text("high_resolution").trim().toLowerCase(java.util.Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw r.bad("high_resolution", v, "true or false");
        }
        return v.equals("true");
    }

    private static final Set<String> KEYS =
            new SamConfig("keys", 8, 1, 16, 1, 1, 1, 1, 1, false, 1).values().keySet();
}
