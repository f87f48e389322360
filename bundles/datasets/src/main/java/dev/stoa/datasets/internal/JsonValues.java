package dev.stoa.datasets.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small JSON values (a JSONL line, a WebDataset {@code .json} entry, one COCO record) read with jackson-core's
 * streaming parser into maps, lists, strings, numbers and booleans. jackson-core is a bundle the platform already
 * ships (Vert.x's JSON runs on it); its streaming API also reads COCO's 90 MB files without building a tree.
 */
final class JsonValues {

    /** Thread-safe once configured, as Jackson documents. */
    static final JsonFactory FACTORY = new JsonFactory();

    private JsonValues() {}

    /**
     * @param text a JSON document
     * @return its value
     * @throws IOException if it is not JSON or has trailing content
     */
    static Object parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new IOException("it is empty");
            }
            Object value = read(p);
            if (p.nextToken() != null) {
                throw new IOException("it has more after the first value (at column "
                        + p.currentLocation().getColumnNr() + ")");
            }
            return value;
        }
    }

    /**
     * Reads the value at the parser's current token, leaving the parser on its last token.
     *
     * @param p a parser on a value's first token
     * @return the value
     */
    static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, read(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getNumberValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + t);
        }
    }

    /**
     * The captions of a record: {@code caption} (a string) or {@code captions} (a list of strings), blank ones
     * dropped.
     *
     * @param record a JSON object
     * @return the captions; empty when there are none
     * @throws IllegalArgumentException naming the field when one has the wrong type
     */
    static List<String> captions(Map<?, ?> record) {
        List<String> out = new ArrayList<>();
        Object one = record.get("caption");
        if (one != null) {
            if (!(one instanceof String s)) {
                throw new IllegalArgumentException("'caption' must be a string, is " + one);
            }
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        Object many = record.get("captions");
        if (many != null) {
            if (!(many instanceof List<?> list)) {
                throw new IllegalArgumentException("'captions' must be a list of strings, is " + many);
            }
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("'captions' must be a list of strings, has " + o);
                }
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }

    /** @return a string, number or boolean field as text, or null when absent */
    static String text(Map<?, ?> record, String key) {
        Object v = record.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException("'" + key + "' must be a string or number, is " + v);
        }
        return v.toString();
    }
}
