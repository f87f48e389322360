package dev.stoa.models.clipcap.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One ClipCap variant: a {@code variants/<name>.properties} file, with a training file's {@code model} options laid
 * over it, and saved beside the weights as {@code clipcap.properties}.
 *
 * @param name the variant's name ({@code mlp}, {@code transformer})
 * @param mapper {@code mlp} (E -> (K·D)/2 -> K·D, tanh between, as the paper) or {@code transformer} (E -> K·D,
 *     then a transformer over those K and K learned constants; the constants' outputs are the prefix)
 * @param prefixLength K, the number of prefix embeddings
 * @param mapperLayers the transformer mapper's depth (the paper uses 8)
 * @param mapperHeads the transformer mapper's attention heads
 * @param clipModel the model store id of the CLIP whose {@code <clipModel>-image} service embeds the images
 * @param decoderModel the model store id of a pretrained decoder ({@code gpt-captions}: {@code gpt.params} and
 *     {@code decoder.properties}), or empty to start the decoder from random weights
 * @param freezeDecoder whether the decoder's parameters stay as they are (only the mapper trains)
 * @param captionLength T, the most tokens of a caption, SOT and EOT included
 * @param beamSize 1 for greedy decoding, more for beam search, when serving and evaluating
 * @param maxTokens the most tokens a caption may have when generating
 * @param decoder the {@code gpt} factory's hyperparameters ({@code decoder.<key>} in the file); ignored where
 *     {@code decoderModel} gives them
 */
record ClipCapConfig(
        String name,
        String mapper,
        int prefixLength,
        int mapperLayers,
        int mapperHeads,
        String clipModel,
        String decoderModel,
        boolean freezeDecoder,
        int captionLength,
        int beamSize,
        int maxTokens,
        Map<String, String> decoder) {

    private static final String DECODER = "decoder.";

    /** Every key of a variant file (besides {@code decoder.*}) with its default. */
    static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mapper", "mlp");
        d.put("prefix_length", 4);
        d.put("mapper_layers", 2);
        d.put("mapper_heads", 4);
        d.put("clip_model", "clip-tiny");
        d.put("decoder_model", "");
        d.put("freeze_decoder", false);
        d.put("caption_length", 64);
        d.put("beam_size", 1);
        d.put("max_tokens", 48);
        return d;
    }

    /**
     * @param name the variant's name
     * @param p its keys ({@link #defaults()} and {@code decoder.*})
     * @param where the file, for messages
     * @return the variant
     * @throws StoaException {@code BAD_CONFIG} naming the key and what to use
     */
    static ClipCapConfig read(String name, Properties p, String where) {
        for (String key : p.stringPropertyNames()) {
            if (!defaults().containsKey(key) && !key.startsWith(DECODER)) {
                throw bad(
                        where,
                        key,
                        p.getProperty(key),
                        "a key of " + defaults().keySet() + " or decoder.<gpt " + "hyperparameter>");
            }
        }
        String mapper = text(p, "mapper");
        if (!mapper.equals("mlp") && !mapper.equals("transformer")) {
            throw bad(where, "mapper", mapper, "'mlp' or 'transformer'");
        }
        Map<String, String> decoder = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(DECODER)) {
                decoder.put(key.substring(DECODER.length()), p.getProperty(key).trim());
            }
        }
        return new ClipCapConfig(
                name,
                mapper,
                whole(p, "prefix_length", 1, where),
                whole(p, "mapper_layers", 1, where),
                whole(p, "mapper_heads", 1, where),
                text(p, "clip_model"),
                text(p, "decoder_model"),
                flag(p, "freeze_decoder", where),
                whole(p, "caption_length", 3, where),
                whole(p, "beam_size", 1, where),
                whole(p, "max_tokens", 1, where),
                decoder);
    }

    /**
     * @param options a training file's {@code model} options: any variant key, overriding the file's value
     * @param where the training file's section, for messages
     * @return this variant with the options applied
     */
    ClipCapConfig with(Map<String, ?> options, String where) {
        Properties p = toProperties();
        options.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return read(name, p, where);
    }

    /** @return the keys as a variant file has them */
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("mapper", mapper);
        p.setProperty("prefix_length", Integer.toString(prefixLength));
        p.setProperty("mapper_layers", Integer.toString(mapperLayers));
        p.setProperty("mapper_heads", Integer.toString(mapperHeads));
        p.setProperty("clip_model", clipModel);
        p.setProperty("decoder_model", decoderModel);
        p.setProperty("freeze_decoder", Boolean.toString(freezeDecoder));
        p.setProperty("caption_length", Integer.toString(captionLength));
        p.setProperty("beam_size", Integer.toString(beamSize));
        p.setProperty("max_tokens", Integer.toString(maxTokens));
        decoder.forEach((k, v) -> p.setProperty(DECODER + k, v));
        return p;
    }

    /**
     * @param hyperparameters the decoder's hyperparameters as they will be used
     * @return this variant with those, so a saved model needs no pretrained decoder to load again
     */
    ClipCapConfig withDecoder(Map<String, String> hyperparameters) {
        return new ClipCapConfig(
                name,
                mapper,
                prefixLength,
                mapperLayers,
                mapperHeads,
                clipModel,
                "",
                freezeDecoder,
                captionLength,
                beamSize,
                maxTokens,
                new TreeMap<>(hyperparameters));
    }

    private static String text(Properties p, String key) {
        return p.getProperty(key, String.valueOf(defaults().get(key))).trim();
    }

    private static int whole(Properties p, String key, int min, String where) {
        String v = text(p, key);
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(where, key, v, "a whole number of at least " + min);
    }

    private static boolean flag(Properties p, String key, String where) {
        String v = text(p, key);
        if (!v.equals("true") && !v.equals("false")) {
            throw bad(where, key, v, "true or false");
        }
        return Boolean.parseBoolean(v);
    }

    private static StoaException bad(String where, String key, String value, String expected) {
        return new StoaException(FailureCode.BAD_CONFIG, where + ": " + key + " is '" + value + "'; use " + expected);
    }
}
