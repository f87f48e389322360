package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.service.Captioner;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.lm.LanguageModelFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every {@code clipcap-*} model of the model store ({@code data/models/clipcap-<name>/<n>/}, as the trainer
 * publishes them) as a {@link Captioner}, {@code stoa.id=clipcap-<name>}, {@code stoa.kind=model}. The store is
 * checked every {@value #POLL_SECONDS} s (as the CLIP bundle does): a newer version is loaded and registered before
 * the old one is withdrawn, so callers see no gap. A model whose CLIP image service is not up yet is tried again on
 * the next check.
 */
@Component(immediate = true)
public final class ClipCapModels {

    static final int POLL_SECONDS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ClipCapModels.class);
    private static final String ENGINE = "PyTorch";

    private final BundleContext context;
    private final DjlRuntime djl;
    private final LanguageModelFactory decoders;
    private final ModelStore store;
    private final Map<String, Served> served = new LinkedHashMap<>();
    private final Set<String> warned = Collections.synchronizedSet(new HashSet<>());
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stoa-clipcap-store");
        t.setDaemon(true);
        return t;
    });

    /** One served model and its registration. */
    private record Served(ClipCapCaptioner captioner, int version, ServiceRegistration<?> registration) {
    }

    /**
     * @param context this bundle's context, for the registrations and the CLIP image service
     * @param djl DJL with PyTorch loaded
     * @param decoders the {@code gpt} language-model factory
     */
    @Activate
    public ClipCapModels(BundleContext context, @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(target = "(" + ServiceProperties.ID + "=gpt)") LanguageModelFactory decoders) {
        this.context = context;
        this.djl = djl;
        this.decoders = decoders;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
        poller.scheduleWithFixedDelay(this::refreshQuietly, 0, POLL_SECONDS, TimeUnit.SECONDS);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("checking the model store for ClipCap models failed: {}", e.toString());
        }
    }

    private synchronized void refresh() {
        for (String id : storeIds()) {
            Optional<ModelStore.Version> latest = store.latest(id);
            Served current = served.get(id);
            if (latest.isEmpty() || current != null && current.version() >= latest.get().number()) {
                continue;
            }
            ModelStore.Version v = latest.get();
            try {
                ClipCapCaptioner captioner = djl.withEngineClassLoader(() -> open(v.path()));
                Hashtable<String, Object> p = new Hashtable<>();
                p.put(ServiceProperties.ID, id);
                p.put(ServiceProperties.KIND, "model");
                p.put(ServiceProperties.VERSION, "1.0." + v.number());
                p.put("clipcap.mapper", captioner.config().mapper());
                p.put("clipcap.prefix.length", captioner.config().prefixLength());
                p.put("clipcap.clip.model", captioner.config().clipModel());
                p.put("clipcap.store.version", v.number());
                ServiceRegistration<?> r = context.registerService(new String[] {Captioner.class.getName(),
                    StoaService.class.getName()}, captioner, p);
                served.put(id, new Served(captioner, v.number(), r));
                if (current != null) {
                    withdraw(current);
                }
                LOG.info("{}: serving version {} ({} mapper, k={}, images embedded by {}-image)", id, v.number(),
                        captioner.config().mapper(), captioner.config().prefixLength(), captioner.config().clipModel());
            } catch (StoaException e) {
                if (e.code() == FailureCode.UNAVAILABLE && warned.add(id + "@" + v.number() + ":waiting")) {
                    // at start-up the CLIP bundle may not have loaded its model yet: tried again on the next check
                    LOG.info("{}: version {} waits for the CLIP image service: {}", id, v.number(), e.getMessage());
                } else if (e.code() != FailureCode.UNAVAILABLE && warned.add(id + "@" + v.number() + ":"
                        + e.getMessage())) {
                    LOG.warn("{}: version {} not served: {}", id, v.number(), e.getMessage());
                }
            } catch (Exception e) {
                if (warned.add(id + "@" + v.number() + ":" + e.getMessage())) {
                    LOG.warn("{}: version {} not served: {}", id, v.number(), e.getMessage());
                }
            }
        }
    }

    private ClipCapCaptioner open(Path dir) throws Exception {
        ClipCapConfig config = StoredClipCap.config(dir);
        ClipServiceEmbedder embedder = new ClipServiceEmbedder(context, config.clipModel());
        NDManager manager = NDManager.newBaseManager(ENGINE);
        try {
            ClipCap model = StoredClipCap.open(dir, config, decoders, embedder.dimension(), manager);
            return new ClipCapCaptioner(config, model, manager, embedder);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    private List<String> storeIds() {
        if (!Files.isDirectory(store.root())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(store.root())) {
            return dirs.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(ClipCapFactory.PREFIX) && n.matches("[a-z0-9][a-z0-9._-]*")).sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void withdraw(Served s) {
        try {
            s.registration().unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered by the framework as the bundle stops
        }
        s.captioner().close();
    }

    /** Stops polling, unregisters the captioners and frees their native memory. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        poller.shutdown();
        poller.awaitTermination(30, TimeUnit.SECONDS);
        synchronized (this) {
            served.values().forEach(ClipCapModels::withdraw);
            served.clear();
        }
    }
}
