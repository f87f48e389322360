package dev.stoa.config.internal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

/**
 * One component configuration written as JSON: a flat object whose values are strings, numbers, booleans, or arrays
 * of one of those. The file name gives the PID as for FileInstall's {@code .cfg} files: {@code <pid>.json}, or
 * {@code <factory pid>-<name>.json} for one instance of a factory configuration.
 *
 * @param pid the PID, or the factory PID when {@code name} is set
 * @param name the factory configuration's name, or {@code null}
 * @param properties the configuration properties
 */
record JsonConfigFile(String pid, String name, Dictionary<String, Object> properties) {

    /**
     * Parses a file.
     *
     * @param fileName e.g. {@code dev.stoa.gateway.json}
     * @param content the file's text
     * @return the configuration
     * @throws IllegalArgumentException naming the file, the key at fault and how to fix it
     */
    static JsonConfigFile parse(String fileName, String content) {
        String base = fileName.substring(0, fileName.length() - ".json".length());
        int dash = base.indexOf('-');
        String pid = dash < 0 ? base : base.substring(0, dash);
        String name = dash < 0 ? null : base.substring(dash + 1);
        JsonObject json;
        try {
            json = new JsonObject(content);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "etc/" + fileName + " is not a JSON object (" + e.getMessage() + "); write {\"key\": value, ...}",
                    e);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        for (Map.Entry<String, Object> e : json) {
            if (e.getValue() == null) {
                continue; // null means "use the default": leave the key out
            }
            props.put(e.getKey(), convert(fileName, e.getKey(), e.getValue()));
        }
        return new JsonConfigFile(pid, name, props);
    }

    private static Object convert(String file, String key, Object value) {
        if (value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number n) {
            return n instanceof Double || n instanceof Float ? (Object) n.doubleValue() : (Object) n.longValue();
        }
        if (value instanceof JsonArray a) {
            if (a.isEmpty()) {
                return new String[0];
            }
            Object first = a.getValue(0);
            Object[] out = first instanceof String
                    ? new String[a.size()]
                    : first instanceof Boolean
                            ? new Boolean[a.size()]
                            : first instanceof Double || first instanceof Float
                                    ? new Double[a.size()]
                                    : new Long[a.size()];
            for (int i = 0; i < a.size(); i++) {
                Object v = convert(file, key + "[" + i + "]", a.getValue(i));
                if (!out.getClass().getComponentType().isInstance(v)) {
                    throw new IllegalArgumentException("etc/" + file + ": '" + key + "' mixes types (item " + i + " is "
                            + v.getClass().getSimpleName() + "); give all items one type");
                }
                out[i] = v;
            }
            return out;
        }
        throw new IllegalArgumentException("etc/" + file + ": '" + key + "' is a nested "
                + value.getClass().getSimpleName() + "; configurations are flat: use a key like '" + key
                + ".field' instead");
    }
}
