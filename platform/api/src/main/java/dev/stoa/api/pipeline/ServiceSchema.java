package dev.stoa.api.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a service that takes or answers JSON ({@code Map} or {@code JsonObject}), published as service
 * properties next to {@code stoa.id}, so pipelines can type-check what they send it and what they read from its
 * answer when they load, instead of at the first request:
 *
 * <pre>
 * stoa.input.fields  = image:Image, labels:List?, templates:List?
 * stoa.output.fields = label:String, scores:JsonObject, model:String, trained:Boolean
 * </pre>
 *
 * Each entry is {@code name:Type}, the type a simple name as {@link ValueType} uses ({@code String}, {@code Number},
 * {@code Boolean}, {@code List}, {@code JsonObject}, {@code Image}, {@code Text}, ...); a trailing {@code ?} marks an
 * optional input field. A service that publishes no schema is still called; its fields are checked by the service.
 */
public final class ServiceSchema {

    /** Service property: the fields a JSON service reads from its request. */
    public static final String INPUT_FIELDS = "stoa.input.fields";
    /** Service property: the fields a JSON service's answer has. */
    public static final String OUTPUT_FIELDS = "stoa.output.fields";

    private ServiceSchema() {}

    /**
     * @param property the property's value: a comma-separated string or a string array, or {@code null}
     * @return each field and its type name ({@code ?} dropped), in order; {@code null} when there is no property
     * @throws IllegalArgumentException naming an entry that is not {@code name:Type}
     */
    public static Map<String, String> parse(Object property) {
        if (property == null) {
            return null;
        }
        String[] entries =
                property instanceof String[] array ? array : property.toString().split(",");
        Map<String, String> fields = new LinkedHashMap<>();
        for (String entry : entries) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            String name = colon < 0 ? "" : e.substring(0, colon).trim();
            String type = colon < 0 ? "" : e.substring(colon + 1).trim();
            if (type.endsWith("?")) {
                type = type.substring(0, type.length() - 1).trim();
            }
            if (name.isEmpty() || !type.matches("[A-Z][A-Za-z0-9]*")) {
                throw new IllegalArgumentException("'" + e + "' is not a field; write name:Type, e.g. label:String");
            }
            fields.put(name, type);
        }
        return Collections.unmodifiableMap(fields);
    }
}
