package dev.stoa.models.gpt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One GPT variant, read from {@code variants/<name>.properties}: {@code tokenizer} ({@code bytes}) and the
 * {@link GptFactory} hyperparameters, one key each.
 *
 * @param name the file's name without extension, e.g. {@code tiny}
 * @param hyperparameters the factory's hyperparameters
 */
record GptVariant(String name, Map<String, Object> hyperparameters) {

    /** @return the service id and model folder of this variant, {@code gpt-<name>} */
    String id() {
        return "gpt-" + name;
    }

    /** @return L, prefix and tokens together */
    int contextLength() {
        return Integer.parseInt(String.valueOf(hyperparameters.getOrDefault(
                "context_length", new GptFactory().defaults().get("context_length"))));
    }

    /**
     * @param name the variant's name
     * @param in the properties file
     * @return the variant, its hyperparameters checked by the factory
     * @throws StoaException {@code BAD_CONFIG} naming the file and key for an unknown or invalid entry
     * @throws IOException if the file cannot be read
     */
    static GptVariant read(String name, InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        String file = "variants/" + name + ".properties";
        String tokenizer = p.getProperty("tokenizer", "bytes").trim();
        if (!tokenizer.equals("bytes")) {
            throw new StoaException(FailureCode.BAD_CONFIG, file + ": 'tokenizer' is '" + tokenizer + "'; use bytes");
        }
        Map<String, Object> hyperparameters = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.equals("tokenizer")) {
                hyperparameters.put(key, p.getProperty(key).trim());
            }
        }
        try {
            new GptFactory().create(hyperparameters);
        } catch (StoaException e) {
            throw new StoaException(FailureCode.BAD_CONFIG, file + ": " + e.getMessage(), e);
        }
        return new GptVariant(name, hyperparameters);
    }
}
