package dev.stoa.api.vector;

import dev.stoa.api.StoaException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The input rules of vector stores, shared so that every implementation fails the same way: {@code BAD_INPUT} with a
 * message naming the field and the fix.
 */
public final class VectorChecks {

    /** The largest dimension accepted (Lucene's HNSW limit in 9.x). */
    public static final int MAX_DIMENSION = 1024;

    /** The most hits one query may ask for. */
    public static final int MAX_K = 10_000;

    /** The longest metadata value, in characters, so that every value can be indexed for exact-match filters. */
    public static final int MAX_METADATA_VALUE = 8_000;

    /** The longest document id, in characters (Lucene indexes a term of at most 32766 bytes). */
    public static final int MAX_ID_LENGTH = 512;

    /** The most metadata entries of one document or filter. */
    public static final int MAX_METADATA_KEYS = 64;

    /** The longest metadata key, in characters. */
    public static final int MAX_METADATA_KEY = 128;

    private static final String NAME_PATTERN = "[a-z0-9][a-z0-9_-]{0,63}";

    private VectorChecks() {}

    /**
     * @param name a collection name
     * @return the name
     * @throws StoaException {@code BAD_INPUT} naming 'collection' unless it matches {@code [a-z0-9][a-z0-9_-]{0,63}}
     *     (it becomes a folder name and part of event-bus addresses)
     */
    public static String name(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw StoaException.badInput(
                    "collection",
                    "is '" + name + "'; use 1 to 64 lower-case letters, digits,"
                            + " '_' or '-', starting with a letter or digit, e.g. 'sentences'");
        }
        return name;
    }

    /**
     * @param dimension a collection's dimension
     * @return it
     * @throws StoaException {@code BAD_INPUT} naming 'dimension' unless it is in [1, {@link #MAX_DIMENSION}]
     */
    public static int dimension(int dimension) {
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw StoaException.badInput("dimension", "is " + dimension + "; use 1 to " + MAX_DIMENSION);
        }
        return dimension;
    }

    /**
     * @param id a document id
     * @return it
     * @throws StoaException {@code BAD_INPUT} naming 'id' when it is null, empty or over {@link #MAX_ID_LENGTH}
     */
    public static String id(String id) {
        if (id == null || id.isEmpty()) {
            throw StoaException.badInput("id", "is missing; give every document a non-empty id");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw StoaException.badInput(
                    "id",
                    "has " + id.length() + " characters; use at most " + MAX_ID_LENGTH
                            + " (a hash or a key of the document, not its text)");
        }
        return id;
    }

    /**
     * Checks a vector's length and components.
     *
     * @param vector the vector
     * @param dimension the collection's dimension
     * @return the vector
     * @throws StoaException {@code BAD_INPUT} naming 'vector' and the expected dimension, or the first non-finite
     *     component
     */
    public static float[] vector(float[] vector, int dimension) {
        if (vector == null || vector.length != dimension) {
            throw StoaException.badInput(
                    "vector",
                    "has " + (vector == null ? "no" : vector.length)
                            + " components; this collection holds vectors of dimension " + dimension
                            + ": embed with the model the collection was made with, or use another collection");
        }
        return finite(vector, "vector");
    }

    /**
     * @param vector a vector of any length
     * @param field the field's name for the message
     * @return the vector
     * @throws StoaException {@code BAD_INPUT} when it is null or empty, or naming the first NaN or infinite component
     */
    public static float[] finite(float[] vector, String field) {
        if (vector == null || vector.length == 0) {
            throw StoaException.badInput(field, "is empty; send the vector's components");
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw StoaException.badInput(
                        field + "[" + i + "]", "is " + vector[i] + "; every component must be a finite number");
            }
        }
        return vector;
    }

    /**
     * @param k how many hits a query asks for
     * @return it
     * @throws StoaException {@code BAD_INPUT} naming 'k' unless it is in [1, {@link #MAX_K}]
     */
    public static int k(int k) {
        if (k < 1 || k > MAX_K) {
            throw StoaException.badInput("k", "is " + k + "; ask for 1 to " + MAX_K + " hits");
        }
        return k;
    }

    /**
     * Checks metadata or a filter: at most {@link #MAX_METADATA_KEYS} entries, non-empty string keys of at most
     * {@link #MAX_METADATA_KEY} characters, non-null string values of at most {@link #MAX_METADATA_VALUE} characters.
     *
     * @param metadata the map, or {@code null} for none
     * @param field the field's name for messages, e.g. {@code metadata} or {@code filter}
     * @return an unmodifiable copy, in the given order
     * @throws StoaException {@code BAD_INPUT} naming the entry at fault
     */
    public static Map<String, String> metadata(Map<String, String> metadata, String field) {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        if (metadata.size() > MAX_METADATA_KEYS) {
            throw StoaException.badInput(
                    field, "has " + metadata.size() + " entries; send at most " + MAX_METADATA_KEYS);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : metadata.entrySet()) {
            if (!(e.getKey() instanceof String key) || key.isEmpty()) {
                throw StoaException.badInput(field, "has the key " + e.getKey() + "; keys must be non-empty strings");
            }
            if (key.length() > MAX_METADATA_KEY) {
                throw StoaException.badInput(
                        field,
                        "has a key of " + key.length() + " characters (" + key.substring(0, 20) + "...); keys may have"
                                + " at most " + MAX_METADATA_KEY);
            }
            if (!(e.getValue() instanceof String value)) {
                throw StoaException.badInput(
                        field + "." + key,
                        "is " + e.getValue() + "; values must be strings (write numbers and booleans as text)");
            }
            if (value.length() > MAX_METADATA_VALUE) {
                throw StoaException.badInput(
                        field + "." + key,
                        "has " + value.length() + " characters; at most " + MAX_METADATA_VALUE
                                + " are kept: store a shorter value or a reference to the text");
            }
            out.put(key, value);
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
