package dev.stoa.api.vector;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One collection of documents (id, vector of fixed dimension {@code D}, string metadata) with k-nearest-neighbour
 * search. Obtained from {@link VectorStores#open}; thread-safe: upserts, deletes and queries may run concurrently.
 *
 * <p><b>Visibility.</b> A write is visible to every query that starts after the write returned (read-your-writes):
 * an implementation may batch writes, but refreshes its searcher before a query when writes are pending.
 *
 * <p><b>Durability.</b> Writes are made durable by {@link #commit()}, which implementations also run periodically
 * and when the collection is closed (the platform stops, the bundle is updated). A crash loses at most the writes
 * since the last commit; it never leaves a collection unreadable.
 *
 * <p><b>Input rules</b> (see {@link VectorChecks}): a vector of the wrong length fails with {@code BAD_INPUT}
 * naming {@code 'vector'} and the expected dimension; a NaN or infinite component, an empty id, {@code k < 1} or
 * metadata that is not string to string fail with {@code BAD_INPUT} naming the field.
 */
public interface VectorStore {

    /** @return the collection's name, as given to {@link VectorStores#open} */
    String name();

    /** @return {@code D}, the length every vector of this collection has */
    int dimension();

    /** @return how vectors are compared */
    VectorMetric metric();

    /**
     * Stores a document, replacing any document with the same id.
     *
     * @param id the document's id, non-empty
     * @param vector its vector, shape {@code (D)}, finite
     * @param metadata string keys and values to filter on and return with hits; may be empty
     */
    default void upsert(String id, float[] vector, Map<String, String> metadata) {
        upsertAll(List.of(new VectorDocument(id, vector, metadata)));
    }

    /**
     * Stores several documents; each replaces any document with its id. Checked as a whole before anything is
     * written, so a bad document leaves the collection unchanged.
     *
     * @param documents the documents; ids should be distinct (for a repeated id the last one wins)
     */
    void upsertAll(List<VectorDocument> documents);

    /**
     * Removes a document.
     *
     * @param id the document's id
     * @return whether a document with that id existed
     */
    boolean delete(String id);

    /**
     * Removes every document whose metadata matches all the entries of {@code filter}.
     *
     * @param filter exact-match conditions on metadata, at least one
     * @return how many documents were removed
     */
    long deleteMatching(Map<String, String> filter);

    /**
     * Finds the documents most similar to a vector.
     *
     * @param vector the query, shape {@code (D)}, finite
     * @param k how many hits at most, at least 1
     * @param filter exact-match conditions on metadata that every hit must meet (all of them); empty for none
     * @return at most {@code k} hits, best first
     */
    List<VectorHit> query(float[] vector, int k, Map<String, String> filter);

    /** @return how many documents the collection holds, pending writes included */
    long size();

    /** Makes every write so far durable (an fsync'd commit); returns when it is. */
    void commit();

    /**
     * Reorganises the collection for query speed after a bulk load (an index merges its segments, for example), then
     * makes it durable; blocks until done, which may take minutes for a large collection. Queries and writes go on
     * meanwhile. Implementations without such a step only commit.
     */
    default void optimize() {
        commit();
    }

    /**
     * A number that changes with every write that returned (upsert, delete), so that a copy of the collection kept
     * elsewhere (a GPU index mirroring its vectors) can tell whether it is still current.
     *
     * @return the count of writes so far, or {@code -1} where the implementation does not count them
     */
    default long generation() {
        return -1;
    }

    /**
     * Calls {@code action} for every document of the collection (vectors as stored: unit length in a cosine
     * collection), in no particular order; writes may run meanwhile.
     *
     * @param action called once per document
     * @return the {@link #generation()} the documents include at least (writes after it may or may not be seen)
     * @throws UnsupportedOperationException where the implementation cannot list its documents
     */
    default long forEachDocument(Consumer<VectorDocument> action) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list its documents");
    }
}
