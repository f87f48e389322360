package dev.stoa.models.unclip.internal;

import dev.stoa.nn.diffusion.NoiseSchedule;
import dev.stoa.nn.diffusion.Prediction;
import dev.stoa.nn.train.VariantReader;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * An unCLIP variant ({@code variants/<name>.properties}, any key overridable from a training file's {@code model}
 * section), stored beside a trained version's parameters ({@value StoredUnclip#CONFIG}).
 *
 * @param name the variant's name
 * @param clipModel the frozen CLIP whose {@code <clip>-text} and {@code <clip>-image} services give the embeddings
 * @param imageSize S, the side of the images drawn (and of the training images, resized)
 * @param channels C, the decoder U-Net's first width
 * @param multipliers the U-Net's level widths over C, e.g. {@code 1,2,2}
 * @param heads attention heads at the U-Net's lowest resolution
 * @param contextTokens how many extra context tokens the CLIP image embedding is projected into (the paper: 4)
 * @param diffusionSteps the decoder's diffusion T
 * @param schedule the decoder's schedule, {@code cosine} or {@code linear}
 * @param dropCondition the fraction of decoder examples whose CLIP embedding is replaced by the learned null embedding
 *     (the paper: 10%)
 * @param prediction what the decoder's U-Net predicts: {@code eps} (the paper), {@code v} or {@code x0} ({@link Prediction})
 * @param priorWidth W, the prior transformer's width
 * @param priorLayers its layers
 * @param priorHeads its heads
 * @param priorSteps the prior's diffusion T
 * @param priorDropText the fraction of prior examples whose text embedding is replaced by the learned null one (10%)
 * @param priorRepeats how many (t, noise) draws of the prior per example and step: the prior is cheap beside the U-Net
 * @param priorWeight the weight of the prior's mean squared error beside the decoder's in the one loss
 */
record UnclipConfig(
        String name,
        String clipModel,
        int imageSize,
        int channels,
        String multipliers,
        int heads,
        int contextTokens,
        int diffusionSteps,
        String schedule,
        double dropCondition,
        String prediction,
        int priorWidth,
        int priorLayers,
        int priorHeads,
        int priorSteps,
        double priorDropText,
        int priorRepeats,
        double priorWeight) {

    /** @return what the decoder's U-Net's output is */
    Prediction parameterisation() {
        return Prediction.named(prediction);
    }

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clip_model", clipModel);
        m.put("image_size", imageSize);
        m.put("channels", channels);
        m.put("multipliers", multipliers);
        m.put("heads", heads);
        m.put("context_tokens", contextTokens);
        m.put("diffusion_steps", diffusionSteps);
        m.put("schedule", schedule);
        m.put("drop_condition", dropCondition);
        m.put("prediction", prediction);
        m.put("prior_width", priorWidth);
        m.put("prior_layers", priorLayers);
        m.put("prior_heads", priorHeads);
        m.put("prior_steps", priorSteps);
        m.put("prior_drop_text", priorDropText);
        m.put("prior_repeats", priorRepeats);
        m.put("prior_weight", priorWeight);
        return m;
    }

    /** @return the level multipliers as numbers */
    int[] levels() {
        return Arrays.stream(multipliers.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** @return the U-Net's width at its lowest resolution, the width of its context tokens */
    int lowestWidth() {
        int[] l = levels();
        return channels * l[l.length - 1];
    }

    /** @return the decoder's noise schedule */
    NoiseSchedule decoderSchedule() {
        return NoiseSchedule.named(schedule, diffusionSteps);
    }

    /** @return the prior's noise schedule (cosine) */
    NoiseSchedule priorSchedule() {
        return NoiseSchedule.cosine(priorSteps);
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
    static UnclipConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("unCLIP", KEYS);
        String multipliers = r.text("multipliers");
        if (!multipliers.matches("[1-8](,[1-8]){0,4}")) {
            throw r.bad("multipliers", multipliers, "one to five level widths over channels, such as 1,2,2");
        }
        String schedule = r.text("schedule");
        if (!schedule.equals("cosine") && !schedule.equals("linear")) {
            throw r.bad("schedule", schedule, "cosine or linear");
        }
        String clip = r.text("clip_model");
        if (!clip.matches("clip-[a-z0-9_-]+")) {
            throw r.bad("clip_model", clip, "a CLIP model id such as clip-tiny");
        }
        String prediction = r.text("prediction");
        if (!prediction.matches("eps|v|x0")) {
            throw r.bad("prediction", prediction, "eps (the noise, as the paper), v or x0");
        }
        UnclipConfig c = new UnclipConfig(
                name,
                clip,
                r.integer("image_size", 8, 128),
                r.integer("channels", 4, 256),
                multipliers,
                r.integer("heads", 1, 16),
                r.integer("context_tokens", 1, 16),
                r.integer("diffusion_steps", 10, 4000),
                schedule,
                r.number("drop_condition", 0, 1),
                prediction,
                r.integer("prior_width", 8, 1024),
                r.integer("prior_layers", 1, 12),
                r.integer("prior_heads", 1, 16),
                r.integer("prior_steps", 10, 4000),
                r.number("prior_drop_text", 0, 1),
                r.integer("prior_repeats", 1, 32),
                r.number("prior_weight", 0, 1000));
        if (c.channels % 4 != 0) {
            throw r.bad("channels", c.channels, "a multiple of 4 (the group norms)");
        }
        if (c.lowestWidth() % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of the lowest level's " + c.lowestWidth() + " channels");
        }
        if (c.imageSize % (1 << (c.levels().length - 1)) != 0) {
            throw r.bad("image_size", c.imageSize, "a multiple of " + (1 << (c.levels().length - 1)));
        }
        if (c.priorWidth % c.priorHeads != 0) {
            throw r.bad("prior_heads", c.priorHeads, "a divisor of prior_width " + c.priorWidth);
        }
        return c;
    }

    private static final Set<String> KEYS = new UnclipConfig(
                    "keys", "clip-x", 32, 32, "1", 1, 4, 10, "cosine", 0.1, "eps", 8, 1, 1, 10, 0.1, 1, 1)
            .values()
            .keySet();
}
