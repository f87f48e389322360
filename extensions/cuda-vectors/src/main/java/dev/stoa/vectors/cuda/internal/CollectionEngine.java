package dev.stoa.vectors.cuda.internal;

/**
 * Which engine searches a collection, and why: shown in the collection's {@code vectors.<name>.engine} service, in
 * the properties of its services ({@code stoa.engine}, {@code stoa.engine.reason}) and in the log.
 *
 * @param collection the collection
 * @param engine {@code cuda} (exact search on the GPU) or {@code lucene}
 * @param reason why, e.g. {@code cuda unavailable: libcudart.so.13 not found in ...; collection texts served by lucene}
 */
public record CollectionEngine(String collection, String engine, String reason) {

    /** The engine name of the GPU search. */
    public static final String CUDA = "cuda";

    /** The engine name of the Lucene HNSW search. */
    public static final String LUCENE = "lucene";

    /**
     * @param collection the collection
     * @param why why the GPU is not used, e.g. the missing library and where it was looked for
     * @return the fallback choice, with its reason as the log and the bus show it
     */
    public static CollectionEngine fallback(String collection, String why) {
        return new CollectionEngine(
                collection, LUCENE, "cuda unavailable: " + why + "; collection " + collection + " served by lucene");
    }

    /**
     * @param collection the collection
     * @param device the GPU's name
     * @return the GPU choice
     */
    public static CollectionEngine gpu(String collection, String device) {
        return new CollectionEngine(
                collection,
                CUDA,
                "exact search on " + device + " (cuBLAS SGEMM, top-k on the host); filtered queries on lucene");
    }
}
