package dev.stoa.api.vector;

import java.util.Map;

/**
 * A document to store: an id, its vector, shape {@code (D)}, and metadata to filter on and return with hits.
 * Construction checks the id, that every component is finite, and the metadata ({@link VectorChecks}); the
 * dimension is checked by the collection it is stored in.
 *
 * @param id unique in its collection; storing a document with an existing id replaces that document
 * @param vector the components; kept as given (no copy), so do not change it afterwards
 * @param metadata string keys and values, possibly empty; see {@link VectorChecks#metadata(Map, String)}
 */
public record VectorDocument(String id, float[] vector, Map<String, String> metadata) {

    public VectorDocument {
        VectorChecks.id(id);
        VectorChecks.finite(vector, "vector");
        metadata = VectorChecks.metadata(metadata, "metadata");
    }

    /** Shorthand for a document without metadata. */
    public VectorDocument(String id, float[] vector) {
        this(id, vector, Map.of());
    }

    @Override
    public String toString() {
        return "VectorDocument[id=" + id + ", dimension=" + vector.length + ", metadata=" + metadata + "]";
    }
}
