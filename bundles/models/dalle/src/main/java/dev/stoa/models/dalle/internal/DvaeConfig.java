package dev.stoa.models.dalle.internal;

import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A discrete VAE variant ({@code variants/dvae-<name>.properties}, any key overridable from a training file's
 * {@code model} section), and what a trained version stores beside its parameters ({@code dvae.properties}).
 *
 * @param name the variant's name
 * @param imageSize S, the side the image is resized to; a multiple of 4
 * @param hidden the convolutions' channels
 * @param codebook K, the codebook's entries (the image vocabulary)
 * @param codeDim d, the width of a codebook vector
 * @param tauStart the Gumbel-softmax temperature at the first training step
 * @param tauEnd the temperature from {@code annealSteps} on
 * @param annealSteps the steps over which the temperature falls (geometrically) from start to end
 */
record DvaeConfig(
        String name,
        int imageSize,
        int hidden,
        int codebook,
        int codeDim,
        double tauStart,
        double tauEnd,
        int annealSteps) {

    static final List<String> KEYS =
            List.of("image_size", "hidden", "codebook", "code_dim", "tau_start", "tau_end", "anneal_steps");

    /** The encoder halves the side twice: a grid of S/4 x S/4 tokens. */
    static final int DOWNSAMPLING = 4;

    /** @return G, the side of the token grid */
    int grid() {
        return imageSize / DOWNSAMPLING;
    }

    /** @return N = G x G, the image tokens */
    int tokens() {
        return grid() * grid();
    }

    /**
     * @param step the training step, from 0
     * @return the temperature at that step: {@code tau_start (tau_end / tau_start)^(step / anneal_steps)}, then
     *     {@code tau_end}
     */
    double temperature(long step) {
        if (step >= annealSteps) {
            return tauEnd;
        }
        return tauStart * Math.pow(tauEnd / tauStart, (double) step / annealSteps);
    }

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_size", imageSize);
        m.put("hidden", hidden);
        m.put("codebook", codebook);
        m.put("code_dim", codeDim);
        m.put("tau_start", tauStart);
        m.put("tau_end", tauEnd);
        m.put("anneal_steps", annealSteps);
        return m;
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("name", name);
        values().forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return p;
    }

    /**
     * @param name the variant's name
     * @param p its keys, every one of {@link #KEYS}
     * @param source the file or section, for messages
     * @return the variant
     * @throws dev.stoa.api.StoaException BAD_CONFIG naming the key if one is unknown, missing or invalid
     */
    static DvaeConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("the dVAE", KEYS);
        int size = r.integer("image_size", 8, 256);
        if (size % DOWNSAMPLING != 0) {
            throw r.bad("image_size", size, "a multiple of " + DOWNSAMPLING + " (the encoder halves it twice)");
        }
        DvaeConfig c = new DvaeConfig(
                name,
                size,
                r.integer("hidden", 4, 1024),
                r.integer("codebook", 2, 65536),
                r.integer("code_dim", 1, 1024),
                r.number("tau_start", 1e-3, 100),
                r.number("tau_end", 1e-3, 100),
                r.integer("anneal_steps", 1, 10_000_000));
        if (c.tauEnd > c.tauStart) {
            throw r.bad("tau_end", c.tauEnd, "at most tau_start " + c.tauStart + " (the temperature is annealed down)");
        }
        return c;
    }
}
