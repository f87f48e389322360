package dev.stoa.models.gpt.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.model.ModelStore;
import dev.stoa.djl.DjlRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Serves every GPT variant of this bundle ({@code variants/*.properties}) as a {@link TextGenerator},
 * {@code stoa.id=gpt-<variant>}, {@code stoa.kind=model}. Weights load from
 * {@code ${stoa.home}/data/models/gpt-<variant>/gpt.params} when present; otherwise the variant serves random
 * weights, its service carries {@code gpt.trained=false} and its answers {@code "trained": false} (CLIP's
 * convention), and the log says {@code UNTRAINED}. A variant whose file or weights are wrong is logged and skipped.
 *
 * <p>Every {@code gpt-*} model of the model store ({@code data/models/gpt-<name>/<n>/}, as the trainer publishes them:
 * {@code gpt.params} and the {@code variant.properties} it was trained as) is served too, as {@code gpt-<name>}, the
 * newest version; a store version replaces a shipped variant of the same id. The store is checked every
 * {@value #POLL_SECONDS} s, so a model the trainer publishes is served without a restart (as CLIP's are).
 */
@Component(immediate = true)
public final class GptModels {

    private static final Logger LOG = LoggerFactory.getLogger(GptModels.class);
    private static final String ENGINE = "PyTorch";

    static final int POLL_SECONDS = 2;
    static final String VARIANT_FILE = "variant.properties";

    /** One served model: what it runs, its store version (0: shipped) and its registration. */
    private record Served(GptGenerator generator, int version, ServiceRegistration<?> registration) {
    }

    private final BundleContext context;
    private final DjlRuntime djl;
    private final ModelStore store;
    /** Guarded by this. */
    private final Map<String, Served> served = new LinkedHashMap<>();
    private final java.util.Set<String> warned = java.util.Collections.synchronizedSet(new java.util.HashSet<>());
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stoa-gpt-store");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param context this bundle's context, for its variant files and the registrations
     * @param djl DJL with PyTorch loaded
     * @throws Exception if DJL cannot run the set-up
     */
    @Activate
    public GptModels(BundleContext context, @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl)
            throws Exception {
        this.context = context;
        this.djl = djl;
        String home = context.getProperty("stoa.home");
        this.store = ModelStore.at(home);
        Path models = store.root();
        for (GptVariant variant : variants(context)) {
            try {
                serve(variant, models.resolve(variant.id()), 0);
            } catch (RuntimeException e) {
                LOG.error("{}: not served: {}", variant.id(), e.getMessage());
            }
        }
        refreshQuietly();
        poller.scheduleWithFixedDelay(this::refreshQuietly, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized void serve(GptVariant variant, Path dir, int version) throws Exception {
        GptGenerator generator = djl.withEngineClassLoader(() -> GptGenerator.open(variant, dir, ENGINE));
        Served previous = served.get(variant.id());
        // the new version first, then the old one goes: the bus drains it while new calls reach the new one
        served.put(variant.id(), new Served(generator, version, context.registerService(new String[] {
            TextGenerator.class.getName(), StoaService.class.getName()}, generator, properties(generator, version))));
        if (previous != null) {
            withdraw(previous);
        }
        LOG.info("{}: serving {} weights{} ({} positions)", variant.id(),
                generator.trained() ? "trained" : "UNTRAINED random", version > 0 ? " from " + dir : "",
                variant.contextLength());
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("checking the model store for GPT models failed: {}", e.toString());
        }
    }

    /** Serves the newest store version of every {@code gpt-*} model not served at that version yet. */
    private synchronized void refresh() {
        for (String id : storeIds()) {
            Optional<ModelStore.Version> latest = store.latest(id);
            Served current = served.get(id);
            if (latest.isEmpty() || current != null && current.version() >= latest.get().number()) {
                continue;
            }
            Path dir = latest.get().path();
            try (InputStream in = Files.newInputStream(dir.resolve(VARIANT_FILE))) {
                serve(GptVariant.read(id.substring("gpt-".length()), in), dir, latest.get().number());
            } catch (Exception e) {
                if (warned.add(id + "@" + latest.get().number())) {
                    LOG.error("{}: version {} not served: {}", id, latest.get().number(), e.getMessage());
                }
            }
        }
    }

    private List<String> storeIds() {
        if (!Files.isDirectory(store.root())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(store.root())) {
            return dirs.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("gpt-") && n.matches("[a-z0-9][a-z0-9._-]*")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<GptVariant> variants(BundleContext context) throws IOException {
        Enumeration<URL> files = context.getBundle().findEntries("variants", "*.properties", false);
        List<URL> sorted = files == null ? List.of() : new ArrayList<>(Collections.list(files));
        List<GptVariant> out = new ArrayList<>();
        for (URL url : sorted.stream().sorted((a, b) -> a.getPath().compareTo(b.getPath())).toList()) {
            String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            try (InputStream in = url.openStream()) {
                out.add(GptVariant.read(file.substring(0, file.length() - ".properties".length()), in));
            } catch (RuntimeException e) {
                LOG.error("variants/{}: skipped: {}", file, e.getMessage());
            }
        }
        return out;
    }

    private static Hashtable<String, Object> properties(GptGenerator generator, int version) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, generator.variant().id());
        p.put(ServiceProperties.KIND, "model");
        p.put(ServiceProperties.VERSION, "1.0.0");
        p.put("gpt.variant", generator.variant().name());
        // whether the weights came from data/models/<id>/gpt.params; false means random, untrained weights
        p.put("gpt.trained", generator.trained());
        p.put("context.length", generator.variant().contextLength());
        // the model store version served, 0 for a shipped variant
        p.put("gpt.store.version", version);
        return p;
    }

    private static void withdraw(Served s) {
        try {
            s.registration().unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered by the framework as the bundle stops
        }
        s.generator().close();
    }

    /** Stops checking the store, unregisters the services, then frees the models' native memory. */
    @Deactivate
    public synchronized void deactivate() {
        poller.shutdownNow();
        served.values().forEach(GptModels::withdraw);
        served.clear();
    }
}
