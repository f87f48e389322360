package dev.stoa.nn.encoder;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Reads an encoder's hyperparameters from a config map against the factory's defaults, so every factory refuses an
 * unknown key or a bad value the same way: {@code BAD_CONFIG} naming the encoder, the key and what to write instead.
 * Values may be numbers, booleans or their string forms (properties files give strings).
 */
public final class Hyperparameters {

    private final String encoderId;
    private final Map<String, Object> defaults;
    private final Map<String, ?> given;

    /**
     * @param encoderId the factory's {@code stoa.id}, for messages
     * @param defaults every accepted key with its default
     * @param given the values from the config
     * @throws StoaException {@code BAD_CONFIG} if a key is not one of the defaults' keys
     */
    public Hyperparameters(String encoderId, Map<String, Object> defaults, Map<String, ?> given) {
        this.encoderId = encoderId;
        this.defaults = defaults;
        this.given = given;
        for (String key : given.keySet()) {
            if (!defaults.containsKey(key)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "encoder '" + encoderId + "' has no hyperparameter '" + key + "'; use one of "
                                + defaults.keySet());
            }
        }
    }

    /**
     * @param key a hyperparameter
     * @param min the smallest accepted value
     * @return its value as a whole number of at least {@code min}
     */
    public int integer(String key, int min) {
        Object value = value(key);
        int n;
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            n = number.intValue();
        } else {
            try {
                n = Integer.parseInt(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw bad(key, value, "a whole number");
            }
        }
        if (n < min) {
            throw bad(key, value, "a whole number of at least " + min);
        }
        return n;
    }

    /**
     * @param key a hyperparameter
     * @return its value as a positive number
     */
    public float positive(String key) {
        Object value = value(key);
        float f;
        if (value instanceof Number number) {
            f = number.floatValue();
        } else {
            try {
                f = Float.parseFloat(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw bad(key, value, "a number");
            }
        }
        if (!(f > 0) || Float.isInfinite(f)) {
            throw bad(key, value, "a positive number");
        }
        return f;
    }

    /**
     * @param key a hyperparameter
     * @return its value as {@code true} or {@code false}
     */
    public boolean flag(String key) {
        Object value = value(key);
        if (value instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(value).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw bad(key, value, "true or false");
    }

    /**
     * @param key a hyperparameter
     * @param accepted the values it may take
     * @return its value, one of {@code accepted}
     */
    public String choice(String key, String... accepted) {
        String s = String.valueOf(value(key)).trim();
        for (String a : accepted) {
            if (a.equals(s)) {
                return a;
            }
        }
        throw bad(key, s, "one of " + String.join(", ", accepted));
    }

    /**
     * @param key a hyperparameter holding a comma-separated list (or a list) of whole numbers
     * @return the numbers, each at least 1, at least one of them
     */
    public int[] integers(String key) {
        Object value = value(key);
        String text = value instanceof Iterable<?> list
                ? String.join(
                        ",",
                        StreamSupport.stream(list.spliterator(), false)
                                .map(String::valueOf)
                                .toList())
                : String.valueOf(value);
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw bad(key, value, "a comma-separated list of whole numbers, e.g. 32,64,128");
            }
            if (out[i] < 1) {
                throw bad(key, value, "a comma-separated list of whole numbers of at least 1, e.g. 32,64,128");
            }
        }
        return out;
    }

    /**
     * @param key the hyperparameter at fault
     * @param value its value
     * @param expected what to write instead
     * @return a {@code BAD_CONFIG} failure naming them
     */
    public StoaException bad(String key, Object value, String expected) {
        return new StoaException(
                FailureCode.BAD_CONFIG,
                "encoder '" + encoderId + "' hyperparameter '" + key + "' is '" + value + "'; use " + expected);
    }

    private Object value(String key) {
        return given.containsKey(key) ? given.get(key) : defaults.get(key);
    }
}
