package dev.stoa.api.vector;

import java.util.Map;

/**
 * One answer of a k-nearest-neighbour query.
 *
 * @param id the document's id
 * @param score its similarity to the query under the collection's {@link VectorMetric}: the cosine in [-1, 1], or
 *     the inner product; higher is closer
 * @param metadata the document's metadata, as stored (unmodifiable)
 */
public record VectorHit(String id, double score, Map<String, String> metadata) {

    public VectorHit {
        metadata = Map.copyOf(metadata);
    }
}
