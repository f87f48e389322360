package dev.stoa.vectors.lucene.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorChecks;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import dev.stoa.api.vector.VectorStores;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded vector collections: one Lucene index per collection under {@code ${stoa.home}/data/vectors/<name>/}
 * (the folder is configurable). Every collection found there opens at activation, so it is back on the bus after a
 * restart; each open collection is exported as {@link CollectionServices}. With {@code durableWrites} (the default)
 * each write is in the collection's fsync'd write-ahead log before it returns; Lucene commits every
 * {@code commitIntervalMs} (emptying the log) and when the component stops (the platform stops, the bundle is updated or its
 * configuration changes).
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.vectors.lucene",
        property = {ServiceProperties.ID + "=vectors-lucene", ServiceProperties.KIND + "=store"})
@Designate(ocd = LuceneVectorsConfig.class)
public final class LuceneVectorStores implements VectorStores {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneVectorStores.class);

    private final BundleContext context;
    private final Path root;
    private final int numCandidates;
    private final ScheduledExecutorService committer;
    private final long commitIntervalMs;
    private final int searchThreads;
    private final boolean durableWrites;
    /** Searches a query's segments in parallel; {@code null} with one search thread. */
    private final ExecutorService searcher;
    /** Guarded by this. */
    private final Map<String, Open> open = new TreeMap<>();

    private boolean closed;

    /** An open collection and its services on the bus. */
    private record Open(LuceneVectorStore store, CollectionServices services) {}

    /**
     * @param context this bundle's context, for {@code stoa.home} and the collections' registrations
     * @param config the settings
     */
    @Activate
    public LuceneVectorStores(BundleContext context, LuceneVectorsConfig config) {
        this(
                context,
                resolve(context.getProperty("stoa.home"), config.dir()),
                config.numCandidates(),
                config.commitIntervalMs(),
                config.searchThreads(),
                config.durableWrites());
    }

    /** With segments searched one after another on the calling thread (tests). */
    LuceneVectorStores(BundleContext context, Path root, int numCandidates, long commitIntervalMs) {
        this(context, root, numCandidates, commitIntervalMs, 1, true);
    }

    /**
     * @param context for the collections' registrations; {@code null} to export nothing (tests, benchmarks)
     * @param root the folder of the collections
     * @param numCandidates candidates a query explores at least
     * @param commitIntervalMs how often pending writes are committed
     * @param searchThreads threads searching a query's segments in parallel; 0: one per core; 1: none
     * @param durableWrites whether a write returns only once committed (see {@link LuceneVectorStore})
     */
    LuceneVectorStores(
            BundleContext context,
            Path root,
            int numCandidates,
            long commitIntervalMs,
            int searchThreads,
            boolean durableWrites) {
        if (numCandidates < 1) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'numCandidates' is " + numCandidates
                            + " in etc/dev.stoa.vectors.lucene.cfg; use 1 or more (100 is the default)");
        }
        if (commitIntervalMs < 1) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'commitIntervalMs' is " + commitIntervalMs
                            + " in etc/dev.stoa.vectors.lucene.cfg; use a positive number of ms (5000 is the default)");
        }
        if (searchThreads < 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'searchThreads' is " + searchThreads
                            + " in etc/dev.stoa.vectors.lucene.cfg; use 0 (one per core, the default), 1 (no parallel search)"
                            + " or more");
        }
        this.context = context;
        this.root = root;
        this.commitIntervalMs = commitIntervalMs;
        this.numCandidates = numCandidates;
        this.durableWrites = durableWrites;
        this.searchThreads = searchThreads == 0 ? Runtime.getRuntime().availableProcessors() : searchThreads;
        this.searcher = this.searchThreads == 1
                ? null
                : Executors.newFixedThreadPool(this.searchThreads, new ThreadFactory() {
                    private final AtomicInteger next = new AtomicInteger();

                    @Override
                    public Thread newThread(Runnable r) {
                        Thread t = new Thread(r, "stoa-vectors-search-" + next.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }
                });
        this.committer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stoa-vectors-commit");
            t.setDaemon(true);
            return t;
        });
        committer.scheduleWithFixedDelay(this::commitAll, commitIntervalMs, commitIntervalMs, TimeUnit.MILLISECONDS);
        for (String name : onDisk()) {
            try {
                Map.Entry<Integer, VectorMetric> shape = LuceneVectorStore.describe(root.resolve(name));
                if (shape != null) {
                    open(name, shape.getKey(), shape.getValue());
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Vector collection '{}' in {} could not be opened: {}", name, root, e.toString());
            }
        }
    }

    @Override
    public synchronized VectorStore open(String name, int dimension, VectorMetric metric) {
        VectorChecks.name(name);
        VectorChecks.dimension(dimension);
        if (metric == null) {
            throw StoaException.badInput("metric", "is missing; use cosine or dot_product");
        }
        if (closed) {
            throw new StoaException(FailureCode.UNAVAILABLE, "the vector collections are closing; retry shortly");
        }
        Open o = open.get(name);
        if (o != null) {
            if (o.store.dimension() != dimension || o.store.metric() != metric) {
                throw StoaException.badInput(
                        "dimension",
                        "collection '" + name + "' exists with dimension "
                                + o.store.dimension() + " and metric "
                                + o.store.metric().id() + ", not " + dimension + " and "
                                + metric.id() + "; open it with those, or use another collection name");
            }
            return o.store;
        }
        try {
            LuceneVectorStore store = LuceneVectorStore.open(
                    root.resolve(name), name, dimension, metric, numCandidates, searcher, searchThreads, durableWrites);
            CollectionServices services = context == null ? null : new CollectionServices(context, store);
            open.put(name, new Open(store, services));
            LOG.info(
                    "Vector collection '{}' open ({} documents, dimension {}, {}; {})",
                    name,
                    store.size(),
                    dimension,
                    metric.id(),
                    durableWrites
                            ? "each write in its fsync'd write-ahead log before it is answered"
                            : "writes committed every " + commitIntervalMs + " ms");
            return store;
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.INTERNAL,
                    "vector collection '" + name + "' could not be opened in " + root.resolve(name) + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public synchronized Optional<VectorStore> find(String name) {
        VectorChecks.name(name);
        Open o = open.get(name);
        if (o != null) {
            return Optional.of(o.store);
        }
        try {
            Path folder = root.resolve(name);
            Map.Entry<Integer, VectorMetric> shape =
                    Files.isDirectory(folder) ? LuceneVectorStore.describe(folder) : null;
            return shape == null ? Optional.empty() : Optional.of(open(name, shape.getKey(), shape.getValue()));
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.INTERNAL, "vector collection '" + name + "' could not be read: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<String> collections() {
        TreeSet<String> names = new TreeSet<>(open.keySet());
        names.addAll(onDisk());
        return List.copyOf(names);
    }

    /** Stops the periodic commit, takes the collections off the bus, then commits and closes them. */
    @Deactivate
    public void close() {
        committer.shutdownNow();
        if (searcher != null) {
            searcher.shutdown(); // queries still running finish their segments
        }
        List<Open> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(open.values());
            open.clear();
        }
        for (Open o : all) {
            if (o.services != null) {
                o.services.unregister();
            }
            try {
                o.store.close();
            } catch (IOException | RuntimeException e) {
                LOG.error("Vector collection '{}' did not close cleanly: {}", o.store.name(), e.toString());
            }
        }
    }

    private void commitAll() {
        List<Open> all;
        synchronized (this) {
            all = List.copyOf(open.values());
        }
        for (Open o : all) {
            try {
                o.store.commitIfChanged();
            } catch (RuntimeException e) {
                LOG.error("Vector collection '{}' could not commit: {}", o.store.name(), e.getMessage());
            }
        }
    }

    private List<String> onDisk() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(root)) {
            return folders.filter(LuceneVectorStores::holdsIndex)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[a-z0-9][a-z0-9_-]{0,63}"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            LOG.error("Cannot list vector collections in {}: {}", root, e.toString());
            return List.of();
        }
    }

    /** @return whether the folder holds a Lucene commit (a {@code segments_N} file) */
    private static boolean holdsIndex(Path folder) {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (DirectoryStream<Path> commits = Files.newDirectoryStream(folder, "segments_*")) {
            return commits.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    static Path resolve(String home, String dir) {
        Path path = Path.of(dir.trim());
        return path.isAbsolute() || home == null
                ? path
                : Path.of(home).resolve(path).normalize();
    }
}
