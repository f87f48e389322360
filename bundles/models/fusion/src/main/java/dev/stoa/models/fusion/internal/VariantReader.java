package dev.stoa.models.fusion.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Properties;

/**
 * Reads a fusion encoder's variant keys ({@code variants/*.properties}, a training file's {@code model} section, a
 * stored version's properties); every failure is BAD_CONFIG naming the key and what to write instead.
 *
 * @param p the keys
 * @param source the file or section, for messages
 */
record VariantReader(Properties p, String source) {

    private String raw(String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new StoaException(FailureCode.BAD_CONFIG, source + "." + key + " is missing");
        }
        return v.trim();
    }

    int integer(String key, int min, int max) {
        String v = raw(key);
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

    double fraction(String key, boolean zeroAllowed) {
        String v = raw(key);
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

    StoaException bad(String key, Object value, String expected) {
        return new StoaException(FailureCode.BAD_CONFIG, source + "." + key + " is '" + value + "'; use " + expected);
    }
}
