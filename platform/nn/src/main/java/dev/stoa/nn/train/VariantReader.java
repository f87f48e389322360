package dev.stoa.nn.train;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Collection;
import java.util.Properties;

/**
 * Reads a model's variant keys: a bundle's {@code variants/*.properties}, a training file's {@code model} section, or
 * the properties a trained version stores beside its parameters. Every failure is {@code BAD_CONFIG} naming the key
 * as {@code <source>.<key>} and what to write instead.
 *
 * @param p the keys
 * @param source the file or section, for messages: {@code variants/tiny.properties}, {@code model}
 */
public record VariantReader(Properties p, String source) {

    /**
     * @param model the model's name, for the message ({@code SimVLM})
     * @param known every key a variant has; {@code name} is always allowed
     * @throws StoaException BAD_CONFIG naming the first unknown key and listing the known ones
     */
    public void onlyKeys(String model, Collection<String> known) {
        for (String key : p.stringPropertyNames()) {
            if (!key.equals("name") && !known.contains(key)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        source + "." + key + " is not an option of " + model + "; use " + known);
            }
        }
    }

    /** @return the key's value, trimmed; BAD_CONFIG if it is missing or blank */
    public String text(String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new StoaException(FailureCode.BAD_CONFIG, source + "." + key + " is missing");
        }
        return v.trim();
    }

    /** @return the key as a whole number within [min, max] */
    public int integer(String key, int min, int max) {
        String v = text(key);
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw bad(key, v, "a whole number from " + min + " to " + max);
    }

    /**
     * A key added after versions were stored without it: absent reads as {@code absent}.
     *
     * @return the key as a whole number within [min, max], or {@code absent} when it is missing or blank
     */
    public int integerOr(String key, int absent, int min, int max) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? absent : integer(key, min, max);
    }

    /** @return the key as a number within [min, max] */
    public double number(String key, double min, double max) {
        String v = text(key);
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw bad(key, v, "a number from " + min + " to " + max);
    }

    /**
     * @param zeroAllowed whether 0 is a valid value ({@code false}: above 0)
     * @return the key as a fraction, at most 1
     */
    public double fraction(String key, boolean zeroAllowed) {
        String v = text(key);
        try {
            double d = Double.parseDouble(v);
            if ((zeroAllowed ? d >= 0 : d > 0) && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw bad(key, v, zeroAllowed ? "a number from 0 to 1" : "a number above 0, at most 1");
    }

    /** @return the BAD_CONFIG failure for a key whose value is not what it should be */
    public StoaException bad(String key, Object value, String expected) {
        return new StoaException(FailureCode.BAD_CONFIG, source + "." + key + " is '" + value + "'; use " + expected);
    }
}
