package dev.stoa.vectors.lucene.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorChecks;
import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * A {@link VectorStore} on one Lucene index in its own folder: each document is a Lucene document with its id (a
 * {@link StringField}), its vector (a {@link KnnFloatVectorField}, indexed in Lucene's HNSW graph) and each metadata
 * entry as a {@link StringField} {@code m.<key>}, so a filter is a conjunction of term queries that
 * {@link KnnFloatVectorQuery} applies during the graph search (falling back to exact search when the filter leaves
 * few documents).
 *
 * <p>Scores: cosine collections store unit vectors and use Lucene's dot product, whose score {@code (1 + cos) / 2}
 * is mapped back to the cosine; dot-product collections use Lucene's maximum inner product, whose score
 * ({@code 1 + dot} for {@code dot >= 0}, {@code 1 / (1 - dot)} below) is mapped back to the inner product.
 *
 * <p>Recall: HNSW is approximate. A query explores {@code max(k, numCandidates)} candidates and keeps the best
 * {@code k}; on embedding-like data 100 candidates gave recall@10 above 0.95 where exploring only 10 gave about 0.5
 * (see the module README for the measurements).
 *
 * <p>The collection's dimension and metric are kept in the index's commit data, so reopening it with others fails
 * instead of mixing vectors of two models.
 *
 * <p>Durability: with durable writes (the default) an upsert or delete returns only once it is in the collection's
 * write-ahead log and the log is fsync'd ({@link WriteAheadLog}; concurrent writers share fsyncs), so an acknowledged
 * write survives kill -9 or a power cut: the log is replayed when the collection opens. Lucene itself commits
 * periodically and on close, and each commit empties the log. Without durable writes, writes are durable after the
 * next {@link #commit()}.
 */
public final class LuceneVectorStore implements VectorStore, Closeable {

    static final String ID = "id";
    static final String VECTOR = "vector";
    static final String METADATA_PREFIX = "m.";
    private static final String DIMENSION_KEY = "stoa.dimension";
    private static final String METRIC_KEY = "stoa.metric";

    private final String name;
    private final int dimension;
    private final VectorMetric metric;
    private final int numCandidates;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    /** Segments {@link #optimize} merges down to: one per search thread, so a query searches each on its own. */
    private final int searchThreads;
    /** Counts writes that have returned; a write counts only once Lucene has it. */
    private final AtomicLong writes = new AtomicLong();
    /** The write count the current searcher is known to include. */
    private final AtomicLong visible = new AtomicLong();

    private final Object refreshLock = new Object();

    /**
     * Every upsert and delete, fsync'd before it returns, emptied after each commit ({@link WriteAheadLog});
     * {@code null} without durable writes.
     */
    private final WriteAheadLog log;
    /** Orders the log's appends with the index's changes, and holds writes off while a commit empties the log. */
    private final Object writeLock = new Object();

    private final AtomicLong commits = new AtomicLong();

    private LuceneVectorStore(
            String name,
            int dimension,
            VectorMetric metric,
            int numCandidates,
            Directory directory,
            IndexWriter writer,
            Executor searchExecutor,
            int searchThreads,
            WriteAheadLog log)
            throws IOException {
        this.name = name;
        this.log = log;
        this.dimension = dimension;
        this.metric = metric;
        this.numCandidates = numCandidates;
        this.directory = directory;
        this.writer = writer;
        this.searchThreads = searchThreads;
        // with an executor, a kNN query searches the segments' graphs in parallel (Lucene's TaskExecutor)
        this.searchers = new SearcherManager(
                writer,
                searchExecutor == null
                        ? null
                        : new SearcherFactory() {
                            @Override
                            public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                                return new IndexSearcher(reader, searchExecutor);
                            }
                        });
    }

    /**
     * Opens the collection in {@code folder} with segments searched one after another on the calling thread.
     *
     * @see #open(Path, String, int, VectorMetric, int, Executor, int)
     */
    public static LuceneVectorStore open(
            Path folder, String name, int dimension, VectorMetric metric, int numCandidates) throws IOException {
        return open(folder, name, dimension, metric, numCandidates, null, 1);
    }

    /**
     * Opens the collection in {@code folder} with durable writes: a write returns once it is in the fsync'd log.
     *
     * @see #open(Path, String, int, VectorMetric, int, Executor, int, boolean)
     */
    public static LuceneVectorStore open(
            Path folder,
            String name,
            int dimension,
            VectorMetric metric,
            int numCandidates,
            Executor searchExecutor,
            int searchThreads)
            throws IOException {
        return open(folder, name, dimension, metric, numCandidates, searchExecutor, searchThreads, true);
    }

    /**
     * Opens the collection in {@code folder}, creating it if the folder holds no index.
     *
     * @param folder the collection's folder
     * @param name its name
     * @param dimension {@code D}
     * @param metric how vectors compare
     * @param numCandidates how many candidates a query explores at least
     * @param searchExecutor runs a query's per-segment searches in parallel; {@code null}: on the calling thread
     * @param searchThreads the executor's threads (1 without one): {@link #optimize} merges down to this many segments
     * @param durableWrites {@code true}: an upsert or delete returns only once it is in the collection's write-ahead
     *     log, fsync'd, so it survives a crash; {@code false}: writes are durable only after the next
     *     {@link #commit()}. Either way a log left by a crash is replayed first.
     * @return the open collection
     * @throws StoaException {@code BAD_INPUT} when the folder holds a collection of another dimension or metric
     */
    public static LuceneVectorStore open(
            Path folder,
            String name,
            int dimension,
            VectorMetric metric,
            int numCandidates,
            Executor searchExecutor,
            int searchThreads,
            boolean durableWrites)
            throws IOException {
        VectorChecks.name(name);
        VectorChecks.dimension(dimension);
        Files.createDirectories(folder);
        Directory directory = FSDirectory.open(folder);
        try {
            if (DirectoryReader.indexExists(directory)) {
                Map<String, String> data =
                        SegmentInfos.readLatestCommit(directory).getUserData();
                String d = data.get(DIMENSION_KEY);
                String m = data.get(METRIC_KEY);
                if (!String.valueOf(dimension).equals(d) || !metric.id().equals(m)) {
                    throw StoaException.badInput(
                            "dimension",
                            "collection '" + name + "' exists with dimension " + d
                                    + " and metric " + m + ", not " + dimension + " and " + metric.id()
                                    + "; open it with those, or use another collection name");
                }
            }
            IndexWriterConfig config = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(64);
            IndexWriter writer = new IndexWriter(directory, config);
            writer.setLiveCommitData(Map.of(DIMENSION_KEY, String.valueOf(dimension), METRIC_KEY, metric.id())
                    .entrySet());
            // the first commit writes the dimension and metric down, so a crash before any document is stored still
            // leaves a collection that reopens with them
            writer.commit();
            List<WriteAheadLog.Operation> logged = WriteAheadLog.read(folder);
            WriteAheadLog log = durableWrites ? WriteAheadLog.open(folder) : null;
            LuceneVectorStore store;
            try {
                store = new LuceneVectorStore(
                        name,
                        dimension,
                        metric,
                        numCandidates,
                        directory,
                        writer,
                        searchExecutor,
                        Math.max(1, searchThreads),
                        log);
            } catch (IOException | RuntimeException e) {
                if (log != null) {
                    log.close();
                }
                writer.rollback();
                throw e;
            }
            store.replay(logged, folder);
            return store;
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /**
     * @param folder a collection's folder
     * @return its dimension and metric, or {@code null} when the folder holds no index
     */
    static Map.Entry<Integer, VectorMetric> describe(Path folder) throws IOException {
        try (Directory directory = FSDirectory.open(folder)) {
            if (!DirectoryReader.indexExists(directory)) {
                return null;
            }
            Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
            String d = data.get(DIMENSION_KEY);
            String m = data.get(METRIC_KEY);
            if (d == null || m == null) {
                return null;
            }
            return Map.entry(Integer.parseInt(d), VectorMetric.parse(m));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public VectorMetric metric() {
        return metric;
    }

    @Override
    public void upsertAll(List<VectorDocument> documents) {
        // check everything first, so a bad document leaves the collection as it was
        List<Document> docs = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            VectorDocument d = documents.get(i);
            if (d == null) {
                throw StoaException.badInput("documents[" + i + "]", "is null; send a document");
            }
            try {
                VectorChecks.vector(d.vector(), dimension);
            } catch (StoaException e) {
                throw documents.size() == 1
                        ? e
                        : new StoaException(
                                e.code(),
                                "'documents[" + i + "]." + e.getMessage().substring(1),
                                e);
            }
            docs.add(toDocument(d));
        }
        long position;
        synchronized (writeLock) {
            try {
                position = log == null ? 0 : log.append(new WriteAheadLog.Upsert(List.copyOf(documents)));
                apply(documents, docs);
            } catch (IOException e) {
                throw failure("store documents", e);
            } finally {
                writes.incrementAndGet();
            }
        }
        awaitDurable(position);
    }

    private void apply(List<VectorDocument> documents, List<Document> docs) throws IOException {
        for (int i = 0; i < docs.size(); i++) {
            writer.updateDocument(new Term(ID, documents.get(i).id()), docs.get(i));
        }
    }

    /** With durable writes, returns once the log is on disk up to {@code position} (with whatever else is there). */
    private void awaitDurable(long position) {
        if (log == null) {
            return;
        }
        try {
            log.awaitDurable(position);
        } catch (IOException e) {
            throw failure("write its log", e);
        }
    }

    /**
     * Applies what a crash left in the log (writes acknowledged after the last commit), commits them, and empties
     * the log.
     */
    private void replay(List<WriteAheadLog.Operation> logged, Path folder) throws IOException {
        if (!logged.isEmpty()) {
            for (WriteAheadLog.Operation op : logged) {
                if (op instanceof WriteAheadLog.Upsert u) {
                    List<Document> docs = new ArrayList<>(u.documents().size());
                    for (VectorDocument d : u.documents()) {
                        docs.add(toDocument(d));
                    }
                    apply(u.documents(), docs);
                } else if (op instanceof WriteAheadLog.DeleteId d) {
                    writer.deleteDocuments(new Term(ID, d.id()));
                } else if (op instanceof WriteAheadLog.DeleteFilter f) {
                    writer.deleteDocuments(filterQuery(f.filter()));
                }
            }
            writes.incrementAndGet();
            org.slf4j.LoggerFactory.getLogger(LuceneVectorStore.class)
                    .info(
                            "Vector collection '{}': replayed {} writes from its write-ahead log (acknowledged after"
                                    + " the last commit, before Stoa stopped)",
                            name,
                            logged.size());
        }
        commit();
        if (log == null) {
            Files.deleteIfExists(folder.resolve(WriteAheadLog.FILE));
        }
    }

    private Document toDocument(VectorDocument d) {
        Document doc = new Document();
        doc.add(new StringField(ID, d.id(), Field.Store.YES));
        float[] v = metric == VectorMetric.COSINE ? unit(d.vector(), "vector") : d.vector();
        doc.add(new KnnFloatVectorField(VECTOR, v, similarity()));
        d.metadata().forEach((k, value) -> doc.add(new StringField(METADATA_PREFIX + k, value, Field.Store.YES)));
        return doc;
    }

    @Override
    public boolean delete(String id) {
        VectorChecks.id(id);
        return deleteWhere(new TermQuery(new Term(ID, id)), new WriteAheadLog.DeleteId(id)) > 0;
    }

    @Override
    public long deleteMatching(Map<String, String> filter) {
        Map<String, String> f = VectorChecks.metadata(filter, "filter");
        if (f.isEmpty()) {
            throw StoaException.badInput(
                    "filter", "is empty; name at least one metadata entry the documents to delete" + " must have");
        }
        return deleteWhere(filterQuery(f), new WriteAheadLog.DeleteFilter(Map.copyOf(f)));
    }

    private long deleteWhere(Query query, WriteAheadLog.Operation logged) {
        try {
            IndexSearcher searcher = acquire();
            int count;
            try {
                count = searcher.count(query);
            } finally {
                searchers.release(searcher);
            }
            if (count > 0) {
                long position;
                synchronized (writeLock) {
                    position = log == null ? 0 : log.append(logged);
                    writer.deleteDocuments(query);
                    writes.incrementAndGet();
                }
                awaitDurable(position);
            }
            return count;
        } catch (IOException e) {
            throw failure("delete documents", e);
        }
    }

    @Override
    public List<VectorHit> query(float[] vector, int k, Map<String, String> filter) {
        return query(vector, k, filter, numCandidates);
    }

    /**
     * {@link #query(float[], int, Map)} exploring another number of candidates than the collection's setting (for
     * measuring recall against speed).
     *
     * @param numCandidates the query explores {@code max(k, numCandidates)} candidates of the graph
     */
    public List<VectorHit> query(float[] vector, int k, Map<String, String> filter, int numCandidates) {
        VectorChecks.vector(vector, dimension);
        VectorChecks.k(k);
        Map<String, String> f = VectorChecks.metadata(filter, "filter");
        float[] q = metric == VectorMetric.COSINE ? unit(vector, "vector") : vector;
        int candidates = Math.max(k, numCandidates);
        Query knn = new KnnFloatVectorQuery(VECTOR, q, candidates, f.isEmpty() ? null : filterQuery(f));
        try {
            IndexSearcher searcher = acquire();
            try {
                TopDocs top = searcher.search(knn, k);
                StoredFields stored = searcher.storedFields();
                List<VectorHit> hits = new ArrayList<>(top.scoreDocs.length);
                for (ScoreDoc sd : top.scoreDocs) {
                    Document doc = stored.document(sd.doc);
                    Map<String, String> metadata = new LinkedHashMap<>();
                    for (IndexableField field : doc.getFields()) {
                        if (field.name().startsWith(METADATA_PREFIX)) {
                            metadata.put(field.name().substring(METADATA_PREFIX.length()), field.stringValue());
                        }
                    }
                    hits.add(new VectorHit(doc.get(ID), similarityOf(sd.score), metadata));
                }
                return hits;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw failure("search", e);
        }
    }

    /** @return the writes that have returned so far (an upsert or a delete that removed something counts one) */
    @Override
    public long generation() {
        return writes.get();
    }

    /**
     * Reads every live document from a searcher that includes every write returned before the call: its id, its
     * vector as indexed (unit length in a cosine collection) and its metadata.
     */
    @Override
    public long forEachDocument(Consumer<VectorDocument> action) {
        long generation = writes.get();
        try {
            IndexSearcher searcher = acquire();
            try {
                for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                    FloatVectorValues vectors = leaf.reader().getFloatVectorValues(VECTOR);
                    if (vectors == null) {
                        continue;
                    }
                    Bits live = leaf.reader().getLiveDocs();
                    StoredFields stored = leaf.reader().storedFields();
                    for (int doc = vectors.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = vectors.nextDoc()) {
                        if (live != null && !live.get(doc)) {
                            continue;
                        }
                        Document d = stored.document(doc);
                        Map<String, String> metadata = new LinkedHashMap<>();
                        for (IndexableField field : d.getFields()) {
                            if (field.name().startsWith(METADATA_PREFIX)) {
                                metadata.put(field.name().substring(METADATA_PREFIX.length()), field.stringValue());
                            }
                        }
                        action.accept(new VectorDocument(
                                d.get(ID), vectors.vectorValue().clone(), metadata));
                    }
                }
                return generation;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw failure("list its documents", e);
        }
    }

    @Override
    public long size() {
        try {
            IndexSearcher searcher = acquire();
            try {
                return searcher.getIndexReader().numDocs();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw failure("count documents", e);
        }
    }

    /**
     * @return the index's segments now (each holds one HNSW graph that a query searches); public for the vector
     *     search benchmark (itests/benchmarks), which reports latency per segment count
     */
    public int segments() {
        try {
            IndexSearcher searcher = acquire();
            try {
                return searcher.getIndexReader().leaves().size();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw failure("count segments", e);
        }
    }

    @Override
    public void commit() {
        try {
            synchronized (writeLock) {
                writer.commit();
                commits.incrementAndGet();
                if (log != null) {
                    log.truncate(); // all it held is in the commit
                }
            }
        } catch (IOException e) {
            throw failure("commit", e);
        }
    }

    /** @return Lucene commits run so far; public for the write benchmark (itests/benchmarks) */
    public long commits() {
        return commits.get();
    }

    /**
     * @return fsyncs of the write-ahead log so far (0 without durable writes); public for the write benchmark, which
     *     reports writes per fsync
     */
    public long logSyncs() {
        return log == null ? 0 : log.syncs();
    }

    /** Commits when there are uncommitted writes; for the periodic commit. */
    void commitIfChanged() {
        if (writer.hasUncommittedChanges()) {
            commit();
        }
    }

    /**
     * Merges the index down to one segment per search thread, then commits: each segment holds one HNSW graph, a
     * query searches every graph, and with a search executor the graphs are searched in parallel. After a bulk load
     * (as indexed, 100k vectors made 4 segments) this halved the query time on two cores at the same recall; see
     * the module's README. Blocks until done (minutes for 100k vectors).
     */
    @Override
    public void optimize() {
        forceMerge(searchThreads);
        commit();
    }

    /** Merges the index down to at most {@code maxSegments} segments (for benchmarks and {@link #optimize}). */
    public void forceMerge(int maxSegments) {
        try {
            writer.forceMerge(maxSegments);
            writes.incrementAndGet();
        } catch (IOException e) {
            throw failure("merge", e);
        }
    }

    /** Commits, then closes the searchers, the writer, the log (emptied once the commit holds it) and the folder. */
    @Override
    public void close() throws IOException {
        try {
            searchers.close();
        } finally {
            try {
                synchronized (writeLock) {
                    // commitOnClose (the default) commits what is pending, durably; only then is the log not needed
                    writer.close();
                    if (log != null) {
                        log.truncate();
                    }
                }
            } finally {
                try {
                    if (log != null) {
                        log.close();
                    }
                } finally {
                    directory.close();
                }
            }
        }
    }

    /** @return a searcher that sees every write that returned before this call */
    private IndexSearcher acquire() throws IOException {
        long needed = writes.get();
        if (visible.get() < needed) {
            synchronized (refreshLock) {
                if (visible.get() < needed) {
                    // every write counted before this read has returned, so the refresh below includes it
                    long upTo = writes.get();
                    searchers.maybeRefreshBlocking();
                    visible.set(upTo);
                }
            }
        }
        return searchers.acquire();
    }

    private VectorSimilarityFunction similarity() {
        return metric == VectorMetric.COSINE
                ? VectorSimilarityFunction.DOT_PRODUCT
                : VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
    }

    /** Maps Lucene's score back to the metric's similarity (see the class comment). */
    private double similarityOf(float score) {
        if (metric == VectorMetric.COSINE) {
            return 2.0 * score - 1.0;
        }
        return score >= 1 ? score - 1.0 : 1.0 - 1.0 / score;
    }

    private static Query filterQuery(Map<String, String> filter) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        filter.forEach((k, v) -> b.add(new TermQuery(new Term(METADATA_PREFIX + k, v)), BooleanClause.Occur.FILTER));
        return b.build();
    }

    private static float[] unit(float[] v, String field) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s == 0) {
            throw StoaException.badInput(field, "is all zeros; a cosine collection cannot compare a zero vector");
        }
        double n = Math.sqrt(s);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }

    private StoaException failure(String what, IOException e) {
        return new StoaException(
                FailureCode.INTERNAL,
                "vector collection '" + name + "' could not " + what + ": " + e.getMessage(),
                new UncheckedIOException(e));
    }

    @Override
    public String toString() {
        return "LuceneVectorStore[" + name + ", " + dimension + ", " + metric.id() + "]";
    }
}
