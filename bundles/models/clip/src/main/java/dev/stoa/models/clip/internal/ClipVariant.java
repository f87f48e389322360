package dev.stoa.models.clip.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.encoder.EncoderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * One CLIP variant, read from a {@code variants/<name>.properties} file (the role of open_clip's
 * {@code model_configs/<name>.json}): the shared embedding width, the image size and text context length, the
 * tokenizer, and for each tower the {@code stoa.id} of its {@link EncoderFactory} ({@code image.encoder},
 * {@code text.encoder}) with that encoder's hyperparameters ({@code image.<key>}, {@code text.<key>}).
 * {@code image_size} and {@code context_length} are passed on to the encoders that take them.
 *
 * @param name the file's name without extension, e.g. {@code tiny}
 * @param embedDimension E, the width of the shared embedding space (W_v, W_l: D -> E)
 * @param imageSize S, the side images are resized and center-cropped to
 * @param contextLength T, the tokens per text
 * @param tokenizer how texts become ids: {@code bytes} ({@code dev.stoa.nn.text.ByteTokenizer})
 * @param imageEncoder the image encoder's {@code stoa.id}
 * @param imageHyperparameters its hyperparameters
 * @param textEncoder the text encoder's {@code stoa.id}
 * @param textHyperparameters its hyperparameters
 */
record ClipVariant(
        String name,
        int embedDimension,
        int imageSize,
        int contextLength,
        String tokenizer,
        String imageEncoder,
        Map<String, Object> imageHyperparameters,
        String textEncoder,
        Map<String, Object> textHyperparameters) {

    private static final Set<String> KEYS =
            Set.of("embed_dim", "image_size", "context_length", "tokenizer", "image.encoder", "text.encoder");

    /** @return the service-id stem of this variant, {@code clip-<name>} */
    String id() {
        return "clip-" + name;
    }

    /**
     * Reads a variant file.
     *
     * @param name the variant's name
     * @param in the properties file
     * @return the variant
     * @throws StoaException {@code BAD_CONFIG} naming the file and key for a missing, unknown or invalid entry
     * @throws IOException if the file cannot be read
     */
    static ClipVariant read(String name, InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        return read(name, p);
    }

    /**
     * @param name the variant's name
     * @param p its keys, as in a variant file
     * @return the variant
     * @throws StoaException {@code BAD_CONFIG} naming the key for a missing, unknown or invalid entry
     */
    static ClipVariant read(String name, Properties p) {
        String file = "variants/" + name + ".properties";
        Map<String, Object> image = new LinkedHashMap<>();
        Map<String, Object> text = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (KEYS.contains(key)) {
                continue;
            }
            if (key.startsWith("image.")) {
                image.put(key.substring(6), p.getProperty(key).trim());
            } else if (key.startsWith("text.")) {
                text.put(key.substring(5), p.getProperty(key).trim());
            } else {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        file + ": '" + key + "' is not a known key; use " + KEYS
                                + " or image.<hyperparameter> / text.<hyperparameter>");
            }
        }
        String tokenizer = required(p, file, "tokenizer");
        if (!tokenizer.equals("bytes")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    file + ": 'tokenizer' is '" + tokenizer
                            + "'; use bytes (a tokenizer.json or vocab.txt beside the weights overrides it)");
        }
        return new ClipVariant(
                name,
                positive(p, file, "embed_dim"),
                positive(p, file, "image_size"),
                positive(p, file, "context_length"),
                tokenizer,
                required(p, file, "image.encoder"),
                image,
                required(p, file, "text.encoder"),
                text);
    }

    /** @return the variant as the keys of a variant file, which {@link #read(String, Properties)} reads back */
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("embed_dim", Integer.toString(embedDimension));
        p.setProperty("image_size", Integer.toString(imageSize));
        p.setProperty("context_length", Integer.toString(contextLength));
        p.setProperty("tokenizer", tokenizer);
        p.setProperty("image.encoder", imageEncoder);
        imageHyperparameters.forEach((k, v) -> p.setProperty("image." + k, String.valueOf(v)));
        p.setProperty("text.encoder", textEncoder);
        textHyperparameters.forEach((k, v) -> p.setProperty("text." + k, String.valueOf(v)));
        return p;
    }

    /**
     * @param factory the image encoder's factory
     * @return the image hyperparameters, with {@code image_size} added where the encoder takes it
     */
    Map<String, Object> imageHyperparameters(EncoderFactory factory) {
        return withShared(imageHyperparameters, factory, "image_size", imageSize);
    }

    /**
     * @param factory the text encoder's factory
     * @return the text hyperparameters, with {@code context_length} added where the encoder takes it
     */
    Map<String, Object> textHyperparameters(EncoderFactory factory) {
        return withShared(textHyperparameters, factory, "context_length", contextLength);
    }

    private static Map<String, Object> withShared(
            Map<String, Object> own, EncoderFactory factory, String key, int value) {
        Map<String, Object> all = new LinkedHashMap<>(own);
        if (factory.defaults().containsKey(key)) {
            all.put(key, value);
        }
        return all;
    }

    private static String required(Properties p, String file, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new StoaException(FailureCode.BAD_CONFIG, file + ": '" + key + "' is missing; set it");
        }
        return v.trim();
    }

    private static int positive(Properties p, String file, String key) {
        String v = required(p, file, key);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the fix
        }
        throw new StoaException(
                FailureCode.BAD_CONFIG, file + ": '" + key + "' is '" + v + "'; use a whole number above 0");
    }
}
