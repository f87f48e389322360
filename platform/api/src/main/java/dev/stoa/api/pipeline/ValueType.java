package dev.stoa.api.pipeline;

import java.util.Map;
import java.util.Set;

/**
 * What the validator knows about a value between stages: its type's simple name and, where it can be known, the
 * fields it has (with their types' names), so a reference to a field the value cannot have is caught when the file
 * loads rather than at the first request.
 *
 * @param name the simple name: a record of {@code dev.stoa.api.data} or {@code dev.stoa.api.generation}
 *     ({@code Text}, {@code Image}, {@code Generation}, ...), {@code String}, {@code Number}, {@code Boolean},
 *     {@code List}, or {@code JsonObject} for a JSON object
 * @param fields each field's type name, or {@code null} when the fields cannot be known before a request (a service
 *     that takes and answers JSON and publishes no schema): then any field may be read
 */
public record ValueType(String name, Map<String, String> fields) {

    /** A JSON object whose fields are not known before a request. */
    public static final ValueType UNKNOWN = new ValueType("JsonObject", null);

    /** The JSON fields of the records, as {@code dev.stoa.vertx.Payloads} writes them. */
    private static final Map<String, Map<String, String>> RECORD_FIELDS = Map.ofEntries(
            Map.entry("Text", Map.of("text", "String")),
            Map.entry("Embedding", Map.of("embedding", "List")),
            Map.entry("Tokens", Map.of("ids", "List", "attentionMask", "List")),
            Map.entry("Image", Map.of("image", "Image")),
            Map.entry("Audio", Map.of("samples", "List", "sampleRate", "Number", "channels", "Number")),
            Map.entry(
                    "Mask",
                    Map.of(
                            "width",
                            "Number",
                            "height",
                            "Number",
                            "mask",
                            "String",
                            "rle",
                            "JsonObject",
                            "area",
                            "Number")),
            Map.entry(
                    "Segment",
                    Map.of(
                            "mask",
                            "String",
                            "rle",
                            "JsonObject",
                            "box",
                            "List",
                            "score",
                            "Number",
                            "area",
                            "Number",
                            "label",
                            "String")),
            Map.entry("RecognizedText", Map.of("text", "String", "lines", "List")),
            Map.entry(
                    "GenerationRequest",
                    Map.of(
                            "prompt",
                            "String",
                            "text",
                            "String",
                            "max_tokens",
                            "Number",
                            "temperature",
                            "Number",
                            "top_k",
                            "Number",
                            "top_p",
                            "Number",
                            "beam_size",
                            "Number",
                            "stop",
                            "List",
                            "seed",
                            "Number")),
            Map.entry(
                    "Generation",
                    Map.of(
                            "text",
                            "String",
                            "tokens",
                            "Number",
                            "finish_reason",
                            "String",
                            "model",
                            "String",
                            "trained",
                            "Boolean")));

    /** Values with no fields. */
    private static final Set<String> SCALARS = Set.of("String", "Number", "Boolean", "List");

    public ValueType {
        fields = fields == null ? null : Map.copyOf(fields);
    }

    /**
     * @param name a type's simple name, as services declare it ({@code ExportedService.inputType()})
     * @return the type with the fields its JSON form has; {@link #UNKNOWN} for a name with no known fields
     *     ({@code JsonObject}, {@code Map}, anything else)
     */
    public static ValueType of(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        Map<String, String> fields = RECORD_FIELDS.get(name);
        if (fields != null) {
            return new ValueType(name, fields);
        }
        return SCALARS.contains(name) ? new ValueType(name, Map.of()) : UNKNOWN;
    }

    /** @return whether the fields are known */
    public boolean known() {
        return fields != null;
    }

    /**
     * @param field a field name
     * @return the field's type; {@link #UNKNOWN} when the fields are not known, {@code null} when the field cannot
     *     exist
     */
    public ValueType field(String field) {
        if (fields == null) {
            return UNKNOWN;
        }
        String type = fields.get(field);
        return type == null ? null : of(type);
    }

    /** @return the name with "a" or "an", for messages */
    public String withArticle() {
        return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }
}
