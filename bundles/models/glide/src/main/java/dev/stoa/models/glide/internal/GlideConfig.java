package dev.stoa.models.glide.internal;

import dev.stoa.nn.diffusion.NoiseSchedule;
import dev.stoa.nn.diffusion.Prediction;
import dev.stoa.nn.train.VariantReader;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A GLIDE variant ({@code variants/<name>.properties}, any key overridable from a training file's {@code model}
 * section), stored beside a trained version's parameters ({@value StoredGlide#CONFIG}).
 *
 * @param name the variant's name
 * @param imageSize S, the side of the images drawn (and of the training images, resized)
 * @param channels C, the U-Net's first width
 * @param multipliers the U-Net's level widths over C, e.g. {@code 1,2,2} (32, 16 and 8 px at S = 32)
 * @param heads attention heads at the U-Net's lowest resolution
 * @param textWidth W, the caption transformer's width
 * @param textLayers its layers
 * @param textHeads its heads
 * @param captionLength T, the most word tokens of a caption with SOT and EOT
 * @param diffusionSteps the diffusion's T (training timesteps)
 * @param schedule {@code cosine} or {@code linear}
 * @param dropCondition the fraction of training examples whose caption is replaced by the learned null condition
 *     (classifier-free guidance's training; the paper: 20%)
 * @param prediction what the U-Net predicts: {@code eps} (the paper), {@code v} or {@code x0} ({@link Prediction})
 */
record GlideConfig(
        String name,
        int imageSize,
        int channels,
        String multipliers,
        int heads,
        int textWidth,
        int textLayers,
        int textHeads,
        int captionLength,
        int diffusionSteps,
        String schedule,
        double dropCondition,
        String prediction) {

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_size", imageSize);
        m.put("channels", channels);
        m.put("multipliers", multipliers);
        m.put("heads", heads);
        m.put("text_width", textWidth);
        m.put("text_layers", textLayers);
        m.put("text_heads", textHeads);
        m.put("caption_length", captionLength);
        m.put("diffusion_steps", diffusionSteps);
        m.put("schedule", schedule);
        m.put("drop_condition", dropCondition);
        m.put("prediction", prediction);
        return m;
    }

    /** @return the level multipliers as numbers */
    int[] levels() {
        return Arrays.stream(multipliers.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** @return the noise schedule */
    NoiseSchedule noiseSchedule() {
        return NoiseSchedule.named(schedule, diffusionSteps);
    }

    /** @return what the U-Net's output is */
    Prediction parameterisation() {
        return Prediction.named(prediction);
    }

    /** @return the keys {@link #read} reads back, with the name */
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("name", name);
        values().forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return p;
    }

    /**
     * @param name the variant's name
     * @param p its keys
     * @param source the file or section, for messages
     * @return the variant; BAD_CONFIG naming the key when one is unknown, missing or invalid
     */
    static GlideConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("GLIDE", KEYS);
        String multipliers = r.text("multipliers");
        if (!multipliers.matches("[1-8](,[1-8]){0,4}")) {
            throw r.bad("multipliers", multipliers, "one to five level widths over channels, such as 1,2,2");
        }
        String schedule = r.text("schedule");
        if (!schedule.equals("cosine") && !schedule.equals("linear")) {
            throw r.bad("schedule", schedule, "cosine or linear");
        }
        String prediction = r.text("prediction");
        if (!prediction.matches("eps|v|x0")) {
            throw r.bad("prediction", prediction, "eps (the noise, as the paper), v or x0");
        }
        GlideConfig c = new GlideConfig(
                name,
                r.integer("image_size", 8, 128),
                r.integer("channels", 4, 256),
                multipliers,
                r.integer("heads", 1, 16),
                r.integer("text_width", 8, 512),
                r.integer("text_layers", 1, 12),
                r.integer("text_heads", 1, 16),
                r.integer("caption_length", 4, 64),
                r.integer("diffusion_steps", 10, 4000),
                schedule,
                r.number("drop_condition", 0, 1),
                prediction);
        if (c.channels % 4 != 0) {
            throw r.bad("channels", c.channels, "a multiple of 4 (the group norms)");
        }
        int lowest = c.channels * c.levels()[c.levels().length - 1];
        if (lowest % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of the lowest level's " + lowest + " channels");
        }
        if (c.imageSize % (1 << (c.levels().length - 1)) != 0) {
            throw r.bad("image_size", c.imageSize, "a multiple of " + (1 << (c.levels().length - 1)));
        }
        if (c.textWidth % c.textHeads != 0) {
            throw r.bad("text_heads", c.textHeads, "a divisor of text_width " + c.textWidth);
        }
        return c;
    }

    private static final Set<String> KEYS = new GlideConfig(
                    "keys", 32, 32, "1", 1, 8, 1, 1, 4, 10, "cosine", 0.2, "eps")
            .values()
            .keySet();
}
