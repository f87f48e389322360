package dev.stoa.datasets.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a dataset's options from a training file's map, with the factory's defaults, and fails with
 * {@link FailureCode#BAD_CONFIG} messages that name the option and the fix. Numbers may be numbers or strings.
 */
final class DatasetOptions {

    private final String datasetId;
    private final Map<String, Object> values;

    /**
     * @param datasetId the factory's {@code stoa.id}, for messages
     * @param defaults every accepted option with its default (null: required)
     * @param given the options from the training file (null: none)
     * @throws StoaException BAD_CONFIG if an option is not one of the defaults' keys
     */
    DatasetOptions(String datasetId, Map<String, Object> defaults, Map<String, ?> given) {
        this.datasetId = datasetId;
        this.values = new LinkedHashMap<>(defaults);
        if (given != null) {
            for (Map.Entry<String, ?> e : given.entrySet()) {
                if (!defaults.containsKey(e.getKey())) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            "dataset '" + datasetId + "' has no option '" + e.getKey() + "'; use one of "
                                    + defaults.keySet());
                }
                if (e.getValue() != null) {
                    values.put(e.getKey(), e.getValue());
                }
            }
        }
    }

    /** @return every option with the value in effect, for {@link dev.stoa.api.dataset.Dataset#describe()} */
    Map<String, Object> effective() {
        return new LinkedHashMap<>(values);
    }

    /** @return the option as given, or null when it has no value and no default */
    Object raw(String key) {
        return values.get(key);
    }

    String string(String key) {
        Object value = required(key);
        String s = String.valueOf(value).trim();
        if (s.isEmpty()) {
            throw bad(key, value, "a non-empty value");
        }
        return s;
    }

    /** @return the option, one of {@code allowed} (case-insensitive, returned in lower case) */
    String choice(String key, String... allowed) {
        String s = string(key).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw bad(key, raw(key), "one of " + List.of(allowed));
    }

    long integer(String key, long min, long max) {
        Object value = required(key);
        long n;
        if (value instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            n = num.longValue();
        } else {
            try {
                n = Long.parseLong(String.valueOf(value).trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw bad(key, value, "a whole number from " + min + " to " + max);
            }
        }
        if (n < min || n > max) {
            throw bad(key, value, "a whole number from " + min + " to " + max);
        }
        return n;
    }

    double number(String key, double min, double max) {
        Object value = required(key);
        double d;
        if (value instanceof Number num) {
            d = num.doubleValue();
        } else {
            try {
                d = Double.parseDouble(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw bad(key, value, "a number from " + min + " to " + max);
            }
        }
        if (!(d >= min && d <= max)) {
            throw bad(key, value, "a number from " + min + " to " + max);
        }
        return d;
    }

    /**
     * @return the option as a list of strings: a YAML list, or one string whose comma-separated items are taken
     *     (an empty string is an empty list)
     */
    List<String> strings(String key) {
        Object value = raw(key);
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                out.add(String.valueOf(o).trim());
            }
        } else if (value instanceof Object[] a) {
            for (Object o : a) {
                out.add(String.valueOf(o).trim());
            }
        } else {
            for (String s : String.valueOf(value).split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    /** @return the option as an existing folder, a relative one resolved against {@code base} */
    Path folder(String key, Path base) {
        Path p = base.resolve(string(key));
        if (!Files.isDirectory(p)) {
            throw bad(key, raw(key), "an existing folder (" + p.toAbsolutePath() + " is not one)");
        }
        return p;
    }

    /** @return the option as an existing regular file, relative ones resolved against {@code base} */
    Path file(String key, Path base) {
        Path p = base.resolve(string(key));
        if (!Files.isRegularFile(p)) {
            throw bad(key, raw(key), "an existing file (" + p.toAbsolutePath() + " is not one)");
        }
        return p;
    }

    private Object required(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "dataset '" + datasetId + "' needs option '" + key + "'; add it under the dataset's options");
        }
        return value;
    }

    /** @return a BAD_CONFIG failure naming the option, its value and what to use instead */
    StoaException bad(String key, Object value, String expected) {
        return new StoaException(
                FailureCode.BAD_CONFIG,
                "dataset '" + datasetId + "' option '" + key + "' is '" + value + "'; use " + expected);
    }
}
