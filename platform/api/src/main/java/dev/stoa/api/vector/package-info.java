/**
 * Vector search, engine-free: a {@link dev.stoa.api.vector.VectorStores} service opens named collections, each a
 * {@link dev.stoa.api.vector.VectorStore} of fixed dimension and {@link dev.stoa.api.vector.VectorMetric}, holding
 * documents (id, vector, string metadata) and answering k-nearest-neighbour queries with exact-match metadata filters.
 * {@link dev.stoa.api.vector.VectorChecks} holds the input rules every implementation applies, so a caller gets the
 * same {@code BAD_INPUT} message from an embedded index as from a database.
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package dev.stoa.api.vector;
