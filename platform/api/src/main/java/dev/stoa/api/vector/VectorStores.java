package dev.stoa.api.vector;

import java.util.List;
import java.util.Optional;

/**
 * Opens named vector collections. Registered as an OSGi service (one per engine, e.g. the embedded Lucene index) with
 * {@code stoa.kind=store}; a collection persists across restarts and is open for as long as the service is.
 *
 * <p>Implementations also export each open collection on the event bus as four services with
 * {@code stoa.kind=store}: {@code vectors.<name>.upsert}, {@code vectors.<name>.query}, {@code vectors.<name>.delete}
 * and {@code vectors.<name>.optimize} (their JSON shapes are in the implementation's README).
 */
public interface VectorStores {

    /**
     * Opens a collection, creating it when it does not exist.
     *
     * @param name the collection's name: lower-case letters, digits, '_' or '-', starting with a letter or digit, at
     *     most 64 characters (see {@link VectorChecks#name(String)})
     * @param dimension {@code D}, the length of every vector, 1 to {@link VectorChecks#MAX_DIMENSION}
     * @param metric how vectors are compared
     * @return the collection; the same instance for every caller
     * @throws dev.stoa.api.StoaException {@code BAD_INPUT} for a bad name or dimension, or when the collection exists
     *     with another dimension or metric (the message says which it has)
     */
    VectorStore open(String name, int dimension, VectorMetric metric);

    /**
     * @param name a collection's name
     * @return the collection if it exists (open, or on disk from an earlier run), without creating it
     */
    Optional<VectorStore> find(String name);

    /** @return the names of every existing collection, sorted */
    List<String> collections();
}
