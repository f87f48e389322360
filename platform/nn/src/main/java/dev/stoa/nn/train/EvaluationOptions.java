package dev.stoa.nn.train;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Map;

/**
 * A training file's {@code evaluate} section as {@link TrainableModel#evaluate} receives it, read with defaults.
 *
 * @param values the section, without the trainer's own keys ({@code every}, {@code stop_when})
 */
public record EvaluationOptions(Map<String, ?> values) {

    /**
     * @param key e.g. {@code examples}
     * @param fallback when the key is absent
     * @return its whole number
     * @throws StoaException {@code BAD_CONFIG} naming the key when it is not a whole number
     */
    public int integer(String key, int fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "evaluate." + key + " is '" + v + "'; use a whole" + " number");
        }
    }

    /**
     * @param key e.g. {@code split}
     * @param fallback when the key is absent
     * @return its text
     */
    public String string(String key, String fallback) {
        Object v = values.get(key);
        return v == null ? fallback : v.toString();
    }
}
