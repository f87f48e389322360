package dev.stoa.models.dalle.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Map;

/** Reads a DALL-E loss's options from a training file's {@code loss.options}, each checked, naming the key. */
final class LossOptionReader {

    private LossOptionReader() {}

    /**
     * @param loss the loss's id, for messages
     * @param defaults the options with their defaults
     * @param options the training file's values
     * @param key the option to read
     * @param min the least value
     * @param max the greatest value
     * @return the value, or its default
     * @throws StoaException BAD_CONFIG naming {@code loss.options.<key>}
     */
    static double number(
            String loss, Map<String, Object> defaults, Map<String, ?> options, String key, double min, double max) {
        for (String k : options.keySet()) {
            if (!defaults.containsKey(k)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "loss.options." + k + " is not an option of the " + loss + " loss; use " + defaults.keySet());
            }
        }
        Object v = options.containsKey(key) ? options.get(key) : defaults.get(key);
        if (v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.doubleValue();
        }
        throw new StoaException(
                FailureCode.BAD_CONFIG,
                "loss.options." + key + " is '" + v + "'; use a number from " + min + " to " + max);
    }
}
