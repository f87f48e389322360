package dev.stoa.models.merlot.internal;

import dev.stoa.api.StoaException;
import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A MERLOT variant ({@code variants/<name>.properties}, any key overridable from a training file's {@code model}
 * section), and what a trained version stores beside its parameters ({@code merlot.properties}).
 *
 * @param name the variant's name
 * @param width D, the joint transformer's width
 * @param layers its depth
 * @param frameLayers the depth of the frame encoder's own transformer, which reads each frame alone
 * @param heads attention heads
 * @param imageSize S, the side each frame is resized to
 * @param patchSize p: a frame gives (S/p)² tokens
 * @param stemChannels channels of the frame encoder's 3x3 convolutions
 * @param frames F, the frames of a clip
 * @param textLength L, the positions of each transcript segment, [CLS] and [SEP] included
 * @param maskProbability BERT's p for other words
 * @param groundedMaskProbability the chance that a colour, shape or motion word is masked
 * @param orderFraction the fraction of a batch's clips whose frames are shuffled for temporal reordering
 * @param transcriptDrop of the other clips, the fraction whose frame transcripts are left out
 * @param motionChannels k, the channels per patch of the order head's motion map (the signed difference of two frames'
 *     patch tokens); 0: the order head reads the two frames' [CLS] only (versions saved before the key existed)
 * @param keypoints K, the order head's keypoints per frame (a spatial soft-argmax over K maps of the stem: each map's
 *     expected x and y); 0: none (versions saved before the key existed)
 */
record MerlotConfig(
        String name,
        int width,
        int layers,
        int frameLayers,
        int heads,
        int imageSize,
        int patchSize,
        int stemChannels,
        int frames,
        int textLength,
        double maskProbability,
        double groundedMaskProbability,
        double orderFraction,
        double transcriptDrop,
        int motionChannels,
        int keypoints) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("layers", layers);
        m.put("frame_layers", frameLayers);
        m.put("heads", heads);
        m.put("image_size", imageSize);
        m.put("patch_size", patchSize);
        m.put("stem_channels", stemChannels);
        m.put("frames", frames);
        m.put("text_length", textLength);
        m.put("mask_probability", maskProbability);
        m.put("grounded_mask_probability", groundedMaskProbability);
        m.put("order_fraction", orderFraction);
        m.put("transcript_drop", transcriptDrop);
        m.put("motion_channels", motionChannels);
        m.put("keypoints", keypoints);
        return m;
    }

    /** @return N, the tokens of one frame, (S/p)² */
    int patches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    /** @return the text segments: one per frame and the clip-level one */
    int segments() {
        return frames + 1;
    }

    /** @return F(F-1)/2, the frame pairs (i < j) the order head classifies */
    int pairs() {
        return frames * (frames - 1) / 2;
    }

    /** @return how many clips of a batch of {@code b} keep their order: the others are shuffled */
    int ordered(int b) {
        return Math.max(1, Math.min(b - 1, (int) Math.round(b * (1 - orderFraction))));
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
    MerlotConfig with(Map<String, ?> overrides, String where) {
        Properties p = toProperties();
        overrides.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return read(name, p, where);
    }

    /**
     * @param name the variant's name
     * @param p its keys; every one of {@link #values()} is required but {@code motion_channels} and {@code keypoints} (0 when absent, as in
     *     versions saved before it existed)
     * @param source the file or section, for messages
     * @return the variant
     * @throws StoaException BAD_CONFIG naming the key if one is unknown, missing or invalid
     */
    static MerlotConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("MERLOT", KEYS.keySet());
        MerlotConfig c = new MerlotConfig(
                name,
                r.integer("width", 8, 1024),
                r.integer("layers", 1, 48),
                r.integer("frame_layers", 1, 12),
                r.integer("heads", 1, 64),
                r.integer("image_size", 8, 256),
                r.integer("patch_size", 1, 64),
                r.integer("stem_channels", 1, 256),
                r.integer("frames", 4, 8),
                r.integer("text_length", 6, 64),
                r.fraction("mask_probability", false),
                r.fraction("grounded_mask_probability", true),
                r.fraction("order_fraction", false),
                r.fraction("transcript_drop", true),
                r.integerOr("motion_channels", 0, 0, 64),
                r.integerOr("keypoints", 0, 0, 64));
        if (c.width % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of width " + c.width);
        }
        if (c.imageSize % c.patchSize != 0) {
            throw r.bad("patch_size", c.patchSize, "a divisor of image_size " + c.imageSize);
        }
        if (c.orderFraction >= 1) {
            throw r.bad(
                    "order_fraction", c.orderFraction, "a number above 0 and below 1 (some clips keep their order)");
        }
        return c;
    }

    private static final Map<String, Object> KEYS =
            new MerlotConfig("keys", 8, 1, 1, 1, 8, 1, 1, 4, 6, 0.1, 0, 0.5, 0, 0, 0).values();
}
