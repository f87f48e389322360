package dev.stoa.vectors.cuda.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import dev.stoa.api.vector.VectorStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vector collections with GPU search for those named in {@code etc/dev.stoa.vectors.cuda.cfg}: a
 * {@link VectorStores} over the Lucene one (ranked above it), which returns a {@link MirroredCollection} for a
 * collection searched on the GPU and the Lucene collection otherwise. Each named collection gets its services on the
 * bus ({@link GpuCollectionServices}); where the GPU cannot be used they are served by Lucene, and the reason is in
 * the log, in {@code vectors.<name>.engine} and in the {@code stoa.engine.reason} property.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.vectors.cuda",
        property = {
            ServiceProperties.ID + "=vectors-cuda",
            ServiceProperties.KIND + "=store",
            "service.ranking:Integer=10"
        })
@Designate(ocd = CudaVectorsConfig.class)
public final class CudaVectorStores implements VectorStores {

    private static final Logger LOG = LoggerFactory.getLogger(CudaVectorStores.class);

    /** How often collections created behind this service's back (directly in Lucene) are looked for. */
    static final long RESCAN_SECONDS = 10;

    private final BundleContext context;
    private final VectorStores lucene;
    private final CudaVectorsSettings settings;
    private final IndexFactory factory;
    private final ScheduledExecutorService rescan;
    /** Guarded by this. */
    private final Map<String, Served> served = new TreeMap<>();

    private boolean closed;

    /** A named collection, how it is served and its services. */
    private record Served(VectorStore store, CollectionEngine choice, GpuCollectionServices services) {}

    @Activate
    public CudaVectorStores(
            BundleContext context,
            CudaVectorsConfig config,
            @Reference(target = "(" + ServiceProperties.ID + "=vectors-lucene)") VectorStores lucene) {
        this(context, settings(config), lucene, null);
    }

    /**
     * @param context where services are registered; {@code null} for none (tests)
     * @param settings the checked settings
     * @param lucene the collections of record
     * @param factory the indexes; {@code null} for the GPU's
     */
    CudaVectorStores(BundleContext context, CudaVectorsSettings settings, VectorStores lucene, IndexFactory factory) {
        this.context = context;
        this.lucene = lucene;
        this.settings = settings;
        boolean wanted = settings.all() || !settings.collections().isEmpty();
        this.factory = factory != null ? factory : wanted ? new CudaIndexFactory(settings) : null;
        if (!wanted) {
            LOG.info(
                    "GPU vector search: no collection named in {} (collections = ...); every collection on lucene",
                    CudaVectorsSettings.FILE);
        }
        serveExisting();
        this.rescan = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stoa-vectors-cuda-rescan");
            t.setDaemon(true);
            return t;
        });
        if (wanted) {
            rescan.scheduleWithFixedDelay(this::serveExisting, RESCAN_SECONDS, RESCAN_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static CudaVectorsSettings settings(CudaVectorsConfig c) {
        return CudaVectorsSettings.parse(c.collections(), c.libraryPath(), c.device(), c.chunkMb());
    }

    @Override
    public VectorStore open(String name, int dimension, VectorMetric metric) {
        VectorStore store = lucene.open(name, dimension, metric);
        return settings.wants(name) ? serve(store) : store;
    }

    @Override
    public Optional<VectorStore> find(String name) {
        Optional<VectorStore> store = lucene.find(name);
        return settings.wants(name) ? store.map(this::serve) : store;
    }

    @Override
    public List<String> collections() {
        return lucene.collections();
    }

    /**
     * @param name a collection
     * @return which engine searches it and why, if it is named in the settings and exists
     */
    public synchronized Optional<CollectionEngine> engine(String name) {
        Served s = served.get(name);
        return s == null ? Optional.empty() : Optional.of(s.choice);
    }

    private void serveExisting() {
        try {
            for (String name : lucene.collections()) {
                if (settings.wants(name)) {
                    lucene.find(name).ifPresent(this::serve);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("GPU vector search: could not look for collections: {}", e.toString());
        }
    }

    private synchronized VectorStore serve(VectorStore store) {
        Served s = served.get(store.name());
        if (s != null || closed) {
            return s != null ? s.store : store;
        }
        VectorStore serving = store;
        CollectionEngine choice;
        FlatIndex index = null;
        try {
            if (factory == null) {
                throw new CudaUnavailable("no collection is named in " + CudaVectorsSettings.FILE);
            }
            index = factory.open(store.dimension(), FlatMetric.of(store.metric()));
            MirroredCollection mirrored = new MirroredCollection(store, index);
            long started = System.nanoTime();
            mirrored.reload();
            serving = mirrored;
            choice = CollectionEngine.gpu(store.name(), factory.device());
            LOG.info(
                    "Vector collection '{}': {} documents loaded to {} in {} ms; {}",
                    store.name(),
                    store.size(),
                    factory.device(),
                    (System.nanoTime() - started) / 1_000_000,
                    choice.reason());
        } catch (CudaUnavailable e) {
            choice = CollectionEngine.fallback(store.name(), e.getMessage());
        } catch (UnsupportedOperationException e) {
            choice = CollectionEngine.fallback(
                    store.name(), "the collection cannot list its documents (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            choice = CollectionEngine.fallback(store.name(), "loading it to the GPU failed: " + e.getMessage());
        }
        if (serving == store && index != null) {
            index.close();
        }
        if (choice.engine().equals(CollectionEngine.LUCENE)) {
            LOG.warn("{}", choice.reason());
        }
        served.put(store.name(), new Served(serving, choice, new GpuCollectionServices(context, choice, serving)));
        return serving;
    }

    /** Takes the services off the bus and frees the GPU. */
    @Deactivate
    public void close() {
        rescan.shutdownNow();
        List<Served> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(served.values());
            served.clear();
        }
        for (Served s : all) {
            s.services.unregister();
            if (s.store instanceof MirroredCollection m) {
                m.close();
            }
        }
        if (factory != null) {
            factory.close();
        }
    }
}
