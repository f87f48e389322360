package dev.stoa.models.dalle.internal;

import dev.stoa.nn.train.VariantReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A DALL-E transformer variant ({@code variants/<name>.properties}, any key but {@code dvae_version} overridable from a
 * training file's {@code model} section), and what a trained version stores beside its parameters
 * ({@code dalle.properties}).
 *
 * @param name the variant's name
 * @param dvaeModel the discrete VAE in the model store whose tokens the transformer models, e.g. {@code dalle-dvae-tiny}
 * @param dvaeVersion the version of it the transformer was trained on (0 before training)
 * @param width D
 * @param heads attention heads
 * @param layers transformer layers
 * @param textLength T, the caption's byte tokens, start and end tokens included
 */
record DalleConfig(String name, String dvaeModel, int dvaeVersion, int width, int heads, int layers, int textLength) {

    static final List<String> KEYS = List.of("dvae_model", "dvae_version", "width", "heads", "layers", "text_length");

    /** @return every key with its value, in documentation order */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dvae_model", dvaeModel);
        m.put("dvae_version", dvaeVersion);
        m.put("width", width);
        m.put("heads", heads);
        m.put("layers", layers);
        m.put("text_length", textLength);
        return m;
    }

    DalleConfig withDvaeVersion(int version) {
        return new DalleConfig(name, dvaeModel, version, width, heads, layers, textLength);
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("name", name);
        values().forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return p;
    }

    /**
     * @param name the variant's name
     * @param p its keys; {@code dvae_version} may be absent (0)
     * @param source the file or section, for messages
     * @return the variant
     * @throws dev.stoa.api.StoaException BAD_CONFIG naming the key if one is unknown, missing or invalid
     */
    static DalleConfig read(String name, Properties p, String source) {
        VariantReader r = new VariantReader(p, source);
        r.onlyKeys("DALL-E", KEYS);
        String dvae = r.text("dvae_model");
        if (!dvae.startsWith(DvaeFactory.PREFIX)) {
            throw r.bad(
                    "dvae_model",
                    dvae,
                    "the id of a discrete VAE in the model store, '" + DvaeFactory.PREFIX
                            + "<name>' (bundles/models/dalle/examples/train/dalle-dvae-tiny.yaml trains one)");
        }
        DalleConfig c = new DalleConfig(
                name,
                dvae,
                r.integerOr("dvae_version", 0, 0, Integer.MAX_VALUE),
                r.integer("width", 8, 1024),
                r.integer("heads", 1, 64),
                r.integer("layers", 1, 48),
                r.integer("text_length", 4, 256));
        if (c.width % c.heads != 0) {
            throw r.bad("heads", c.heads, "a divisor of width " + c.width);
        }
        return c;
    }
}
