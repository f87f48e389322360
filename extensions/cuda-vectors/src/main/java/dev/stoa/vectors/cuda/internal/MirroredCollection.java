package dev.stoa.vectors.cuda.internal;

import dev.stoa.api.vector.VectorChecks;
import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A collection whose unfiltered queries run exactly on a {@link FlatIndex} (the GPU) while the Lucene collection
 * stays the durable store of record: writes go to Lucene first, then to the index. The index knows which of
 * Lucene's {@link VectorStore#generation() generations} it mirrors; when Lucene has moved on without it (a writer
 * that holds the Lucene collection directly), the next query reloads the index from Lucene first, so a query always
 * sees every write that returned before it. Filtered queries go to Lucene (its filtered HNSW search).
 */
public final class MirroredCollection implements VectorStore, AutoCloseable {

    /** Rows copied to the index at once when loading. */
    static final int LOAD_BLOCK = 4096;

    private final VectorStore store;
    private final FlatIndex index;
    /** Guarded by this: the id, metadata and position of every row. */
    private final List<String> ids = new ArrayList<>();

    private final List<Map<String, String>> metadata = new ArrayList<>();
    private final Map<String, Integer> rows = new HashMap<>();
    /** The generation of {@link #store} the index holds; {@code Long.MIN_VALUE} when stale. */
    private long mirrored = Long.MIN_VALUE;

    private long reloads;

    /**
     * @param store the collection of record
     * @param index the index to search, empty; this collection closes it
     */
    public MirroredCollection(VectorStore store, FlatIndex index) {
        if (index.dimension() != store.dimension()) {
            throw new IllegalArgumentException(
                    "index of dimension " + index.dimension() + " for a collection of " + store.dimension());
        }
        this.store = store;
        this.index = index;
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public int dimension() {
        return store.dimension();
    }

    @Override
    public VectorMetric metric() {
        return store.metric();
    }

    /** @return the engine of the index, e.g. {@code cuda} */
    public String engine() {
        return index.engine();
    }

    /** @return how often the index was (re)loaded from the store */
    public synchronized long reloads() {
        return reloads;
    }

    @Override
    public synchronized void upsertAll(List<VectorDocument> documents) {
        long before = store.generation();
        store.upsertAll(documents);
        long after = store.generation();
        if (before == mirrored && after == before + 1) {
            for (VectorDocument d : documents) {
                put(d);
            }
            mirrored = after;
        } else {
            mirrored = Long.MIN_VALUE; // someone else wrote meanwhile: reload at the next query
        }
    }

    @Override
    public synchronized boolean delete(String id) {
        long before = store.generation();
        boolean deleted = store.delete(id);
        long after = store.generation();
        if (before == mirrored && after == before + (deleted ? 1 : 0)) {
            if (deleted) {
                remove(id);
            }
            mirrored = after;
        } else {
            mirrored = Long.MIN_VALUE;
        }
        return deleted;
    }

    @Override
    public synchronized long deleteMatching(Map<String, String> filter) {
        long before = store.generation();
        long deleted = store.deleteMatching(filter);
        long after = store.generation();
        if (before == mirrored && after == before + (deleted > 0 ? 1 : 0)) {
            List<String> gone = new ArrayList<>();
            for (int r = 0; r < ids.size(); r++) {
                if (metadata.get(r).entrySet().containsAll(filter.entrySet())) {
                    gone.add(ids.get(r));
                }
            }
            gone.forEach(this::remove);
            mirrored = gone.size() == deleted ? after : Long.MIN_VALUE;
        } else {
            mirrored = Long.MIN_VALUE;
        }
        return deleted;
    }

    @Override
    public List<VectorHit> query(float[] vector, int k, Map<String, String> filter) {
        VectorChecks.vector(vector, dimension());
        VectorChecks.k(k);
        Map<String, String> f = VectorChecks.metadata(filter, "filter");
        if (!f.isEmpty()) {
            return store.query(vector, k, f);
        }
        return queryAll(new float[][] {vector}, k).get(0);
    }

    /**
     * Answers several unfiltered queries with one GEMM.
     *
     * @param vectors the queries, each of {@link #dimension()} components
     * @param k hits per query
     * @return the hits of each query, best first
     */
    public synchronized List<List<VectorHit>> queryAll(float[][] vectors, int k) {
        VectorChecks.k(k);
        int d = dimension();
        float[] batch = new float[vectors.length * d];
        for (int i = 0; i < vectors.length; i++) {
            VectorChecks.vector(vectors[i], d);
            System.arraycopy(vectors[i], 0, batch, i * d, d); // the index prepares them (unit length for cosine)
        }
        if (mirrored != store.generation()) {
            reload();
        }
        TopK.Hits[] found = index.search(batch, vectors.length, k);
        List<List<VectorHit>> out = new ArrayList<>(found.length);
        for (TopK.Hits h : found) {
            List<VectorHit> hits = new ArrayList<>(h.size());
            for (int i = 0; i < h.size(); i++) {
                int r = h.rows()[i];
                hits.add(new VectorHit(ids.get(r), h.scores()[i], metadata.get(r)));
            }
            out.add(hits);
        }
        return out;
    }

    /** Loads the index from the store: every document, as stored. */
    synchronized void reload() {
        ids.clear();
        metadata.clear();
        rows.clear();
        index.truncate(0);
        int d = dimension();
        float[] block = new float[LOAD_BLOCK * d];
        int[] filled = {0};
        Consumer<VectorDocument> add = doc -> {
            System.arraycopy(doc.vector(), 0, block, filled[0] * d, d);
            rows.put(doc.id(), ids.size());
            ids.add(doc.id());
            metadata.add(doc.metadata());
            if (++filled[0] == LOAD_BLOCK) {
                index.put(ids.size() - LOAD_BLOCK, block, LOAD_BLOCK);
                filled[0] = 0;
            }
        };
        long generation = store.forEachDocument(add);
        if (filled[0] > 0) {
            index.put(ids.size() - filled[0], block, filled[0]);
        }
        mirrored = generation;
        reloads++;
    }

    private void put(VectorDocument d) {
        Integer r = rows.get(d.id());
        int row = r == null ? ids.size() : r;
        index.put(row, d.vector(), 1);
        if (r == null) {
            rows.put(d.id(), row);
            ids.add(d.id());
            metadata.add(d.metadata());
        } else {
            metadata.set(row, d.metadata());
        }
    }

    private void remove(String id) {
        Integer r = rows.remove(id);
        if (r == null) {
            return;
        }
        int last = ids.size() - 1;
        if (r != last) {
            index.move(last, r);
            ids.set(r, ids.get(last));
            metadata.set(r, metadata.get(last));
            rows.put(ids.get(r), r);
        }
        ids.remove(last);
        metadata.remove(last);
        index.truncate(last);
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public void commit() {
        store.commit();
    }

    @Override
    public void optimize() {
        store.optimize();
    }

    @Override
    public long generation() {
        return store.generation();
    }

    @Override
    public long forEachDocument(Consumer<VectorDocument> action) {
        return store.forEachDocument(action);
    }

    @Override
    public synchronized void close() {
        index.close();
    }

    @Override
    public String toString() {
        return "MirroredCollection[" + name() + " on " + index.engine() + "]";
    }
}
