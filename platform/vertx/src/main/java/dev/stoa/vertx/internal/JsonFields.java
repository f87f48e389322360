package dev.stoa.vertx.internal;

import dev.stoa.api.StoaException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;

/**
 * Reads typed fields of a caller's JSON, failing with a {@link dev.stoa.api.FailureCode#BAD_INPUT} that names the
 * field (and the array index) and says what to send instead. Also builds the JSON arrays for primitive arrays,
 * which {@link JsonArray} has no constructor for.
 */
public final class JsonFields {

    private JsonFields() {}

    /** @return the string at {@code field} */
    public static String string(JsonObject json, String field) {
        Object v = json.getValue(field);
        if (v instanceof String s) {
            return s;
        }
        throw wrong(field, v, "a string");
    }

    /** @return the whole number at {@code field}, within int range */
    public static int integer(JsonObject json, String field) {
        Object v = json.getValue(field);
        if (v instanceof Number n && isWhole(n) && n.longValue() == n.intValue()) {
            return n.intValue();
        }
        throw wrong(field, v, "a whole number");
    }

    /** @return the bytes of the base64 string at {@code field}; a {@code data:...;base64,} prefix is skipped */
    public static byte[] base64(JsonObject json, String field) {
        String s = string(json, field);
        // browsers hand out data URLs (FileReader.readAsDataURL): accept them as they are
        if (s.startsWith("data:")) {
            s = s.substring(s.indexOf(',') + 1);
        }
        try {
            // the MIME decoder ignores line breaks, which some encoders insert every 76 characters
            return Base64.getMimeDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw StoaException.badInput(
                    field,
                    "is not valid base64 (" + e.getMessage() + "); send the bytes base64-encoded as in RFC 4648");
        }
    }

    /** @return the numbers of the array at {@code field} as floats */
    public static float[] floats(JsonObject json, String field) {
        JsonArray a = array(json, field, "numbers");
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(a.getValue(i) instanceof Number n)) {
                throw wrong(field + "[" + i + "]", a.getValue(i), "a number");
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    /** @return the whole numbers of the array at {@code field} as longs */
    public static long[] longs(JsonObject json, String field) {
        JsonArray a = array(json, field, "whole numbers");
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(a.getValue(i) instanceof Number n) || !isWhole(n)) {
                throw wrong(field + "[" + i + "]", a.getValue(i), "a whole number");
            }
            out[i] = n.longValue();
        }
        return out;
    }

    /** @return the whole numbers of the array at {@code field} as ints */
    public static int[] ints(JsonObject json, String field) {
        long[] wide = longs(json, field);
        int[] out = new int[wide.length];
        for (int i = 0; i < out.length; i++) {
            if (wide[i] != (int) wide[i]) {
                throw wrong(field + "[" + i + "]", wide[i], "a whole number within int range");
            }
            out[i] = (int) wide[i];
        }
        return out;
    }

    /** @return a JSON array of the values */
    public static JsonArray array(float[] values) {
        JsonArray a = new JsonArray(new ArrayList<>(values.length));
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    /** @return a JSON array of the values */
    public static JsonArray array(long[] values) {
        JsonArray a = new JsonArray(new ArrayList<>(values.length));
        for (long v : values) {
            a.add(v);
        }
        return a;
    }

    /** @return a JSON array of the values */
    public static JsonArray array(int[] values) {
        JsonArray a = new JsonArray(new ArrayList<>(values.length));
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonArray array(JsonObject json, String field, String of) {
        Object v = json.getValue(field);
        if (v instanceof JsonArray a) {
            return a;
        }
        throw wrong(field, v, "an array of " + of);
    }

    private static boolean isWhole(Number n) {
        if (n instanceof java.math.BigInteger big) {
            // longValue() keeps the low 64 bits: 2^64 would read as 0
            return big.bitLength() < 64;
        }
        if (n instanceof java.math.BigDecimal big) {
            try {
                big.longValueExact();
                return true;
            } catch (ArithmeticException e) {
                return false;
            }
        }
        if (!(n instanceof Double || n instanceof Float)) {
            return true;
        }
        // JSON parsers give 3.0 as a Double: accept it, refuse 3.5 and doubles too large to be exact integers
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) <= 0x1p53;
    }

    private static StoaException wrong(String field, Object actual, String expected) {
        if (actual == null) {
            return StoaException.badInput(field, "is missing; send " + expected);
        }
        String shown = String.valueOf(actual);
        if (shown.length() > 40) {
            shown = shown.substring(0, 40) + "...";
        }
        return StoaException.badInput(field, "must be " + expected + ", not " + typeName(actual) + " " + shown);
    }

    private static String typeName(Object v) {
        if (v instanceof String) {
            return "the string";
        }
        if (v instanceof Number) {
            return "the number";
        }
        if (v instanceof Boolean) {
            return "the boolean";
        }
        if (v instanceof JsonArray) {
            return "the array";
        }
        if (v instanceof JsonObject) {
            return "the object";
        }
        return "the value";
    }
}
