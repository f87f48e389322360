package dev.stoa.models.clip.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves CLIP models and offers them to the trainer. The models are the variants of this bundle
 * ({@code variants/*.properties}; adding a variant is adding a file) and every {@code clip-*} model in the model
 * store ({@code data/models/clip-<name>/<version>/}, as the trainer publishes them). Four services per model
 * {@code clip-<v>}:
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>{@code stoa.id}</th><th>kind</th><th>call</th></tr>
 *   <tr><td>{@code clip-<v>-image}</td><td>encoder</td><td>Image -> Embedding (E, L2-normalised)</td></tr>
 *   <tr><td>{@code clip-<v>-text}</td><td>encoder</td><td>Text -> Embedding, a {@link TextEncoder}</td></tr>
 *   <tr><td>{@code clip-<v>-zero-shot}</td><td>model</td><td>{image, labels, templates?} -> {label, scores}</td></tr>
 *   <tr><td>{@code clip-<v>-similarity}</td><td>model</td><td>{image, texts} -> {similarities}</td></tr>
 * </table>
 *
 * <p>Weights: the newest store version (with the {@code variant.properties} it was trained as), else the legacy
 * {@code data/models/clip-<v>/clip.params}, else random. Random-weight models carry {@code clip.trained=false} and say
 * {@code "trained": false}; while the trainer is training one, its zero-shot and similarity services answer
 * {@code UNAVAILABLE} with the run's progress instead. The store is checked every {@value #POLL_SECONDS} s: a new
 * version is loaded and registered before the old one is withdrawn, so callers see no gap (the bus drains the old
 * instance). Also registers a {@link TrainableModelFactory} ({@code stoa.id=clip}) so training files can name
 * {@code model: {id: clip, variant: tiny}}.
 */
@Component(immediate = true)
public final class ClipModels {

    /** The effective variant of a trained model, beside its {@code clip.params}. */
    static final String VARIANT_FILE = "variant.properties";
    static final int POLL_SECONDS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ClipModels.class);
    private static final String ENGINE = "PyTorch";
    private static final String PREFIX = "clip-";

    private final BundleContext context;
    private final DjlRuntime djl;
    private final List<ServiceReference<EncoderFactory>> encoderReferences;
    private final Map<String, EncoderFactory> encoders = new HashMap<>();
    private final Map<String, ClipVariant> shipped = new LinkedHashMap<>();
    private final Map<String, Served> served = new LinkedHashMap<>();
    private final ModelStore store;
    private final Path legacy;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stoa-clip-store");
        t.setDaemon(true);
        return t;
    });
    private ServiceRegistration<TrainableModelFactory> factoryRegistration;
    private volatile TrainingService training;

    /** One served model: what it runs and its registrations. */
    private record Served(ClipInference clip, int version, List<ServiceRegistration<?>> registrations) {
    }

    /**
     * @param context this bundle's context, for its variant files and the registrations
     * @param djl DJL with PyTorch loaded (the blocks run on it)
     * @param encoders the encoder factories, keyed by their {@code stoa.id}
     * @throws Exception if DJL cannot run the set-up
     */
    @Activate
    public ClipModels(BundleContext context, @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(service = EncoderFactory.class, cardinality = ReferenceCardinality.AT_LEAST_ONE,
                    policyOption = ReferencePolicyOption.GREEDY)
            List<ServiceReference<EncoderFactory>> encoders) throws Exception {
        this.context = context;
        this.djl = djl;
        this.encoderReferences = encoders;
        for (ServiceReference<EncoderFactory> ref : encoders) {
            Object id = ref.getProperty(ServiceProperties.ID);
            EncoderFactory factory = context.getService(ref);
            if (id != null && factory != null) {
                this.encoders.putIfAbsent(id.toString(), factory);
            }
        }
        String home = context.getProperty("stoa.home");
        this.store = ModelStore.at(home);
        this.legacy = store.root();
        for (ClipVariant v : variants()) {
            shipped.put(v.id(), v);
        }
        refresh();
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, "clip");
        p.put(ServiceProperties.KIND, "model");
        p.put("clip.variants", shipped.keySet().stream().map(id -> id.substring(PREFIX.length())).toList()
                .toArray(new String[0]));
        factoryRegistration = context.registerService(TrainableModelFactory.class, new Factory(), p);
        poller.scheduleWithFixedDelay(this::refreshQuietly, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindTraining(TrainingService t) {
        training = t;
    }

    void unbindTraining(TrainingService t) {
        if (training == t) {
            training = null;
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("checking the model store for CLIP models failed: {}", e.toString());
        }
    }

    /** Serves every model not yet served, and reloads those with a newer store version. */
    private synchronized void refresh() {
        Set<String> ids = new TreeSet<>(shipped.keySet());
        ids.addAll(storeIds());
        for (String id : ids) {
            Optional<ModelStore.Version> latest = store.latest(id);
            int version = latest.map(ModelStore.Version::number).orElse(0);
            Served current = served.get(id);
            if (current != null && current.version() >= version) {
                continue;
            }
            try {
                ClipVariant variant = latest.isPresent() && Files.isRegularFile(latest.get().path()
                        .resolve(VARIANT_FILE)) ? readVariant(id, latest.get().path()) : shipped.get(id);
                if (variant == null) {
                    continue;
                }
                if (!encoders.containsKey(variant.imageEncoder()) || !encoders.containsKey(variant.textEncoder())) {
                    if (current == null && !servedWarned.contains(id)) {
                        servedWarned.add(id);
                        // the component restarts when more encoders arrive (greedy reference)
                        LOG.warn("{}: waiting for encoders '{}' and '{}' (stoa.kind=encoder); have {}", id,
                                variant.imageEncoder(), variant.textEncoder(), encoders.keySet());
                    }
                    continue;
                }
                Path dir = latest.map(ModelStore.Version::path).orElse(legacy.resolve(id));
                ClipInference clip = djl.withEngineClassLoader(() -> ClipInference.open(variant, encoders::get, dir,
                        ENGINE));
                Served next = new Served(clip, version, register(clip, version));
                served.put(id, next);
                if (current != null) {
                    withdraw(current);
                }
                LOG.info("{}: serving {} weights{} (image {} + text {} -> {})", id,
                        clip.trained() ? "trained" : "UNTRAINED random",
                        version > 0 ? " from " + dir : "", variant.imageEncoder(), variant.textEncoder(),
                        variant.embedDimension());
            } catch (Exception e) {
                if (!servedWarned.contains(id + "@" + version)) {
                    servedWarned.add(id + "@" + version);
                    LOG.error("{}: not served: {}", id, e.getMessage());
                }
            }
        }
    }

    private final Set<String> servedWarned = Collections.synchronizedSet(new java.util.HashSet<>());

    private List<String> storeIds() {
        if (!Files.isDirectory(store.root())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(store.root())) {
            return dirs.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX) && n.matches("[a-z0-9][a-z0-9._-]*"))
                    .filter(n -> store.latest(n).isPresent()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static ClipVariant readVariant(String id, Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(VARIANT_FILE))) {
            p.load(in);
        }
        return ClipVariant.read(id.substring(PREFIX.length()), p);
    }

    private List<ClipVariant> variants() throws IOException {
        Enumeration<URL> files = context.getBundle().findEntries("variants", "*.properties", false);
        List<URL> sorted = files == null ? List.of() : new ArrayList<>(Collections.list(files));
        List<ClipVariant> out = new ArrayList<>();
        for (URL url : sorted.stream().sorted((a, b) -> a.getPath().compareTo(b.getPath())).toList()) {
            String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            try (InputStream in = url.openStream()) {
                out.add(ClipVariant.read(file.substring(0, file.length() - ".properties".length()), in));
            } catch (RuntimeException e) {
                LOG.error("variants/{}: skipped: {}", file, e.getMessage());
            }
        }
        return out;
    }

    private List<ServiceRegistration<?>> register(ClipInference clip, int version) {
        String id = clip.variant().id();
        Runnable ready = () -> ready(clip);
        List<ServiceRegistration<?>> out = new ArrayList<>();
        out.add(context.registerService(StoaService.class, new ClipImageEncoderService(clip),
                properties(clip, version, id + "-image", "encoder")));
        out.add(context.registerService(new String[] {TextEncoder.class.getName(), StoaService.class.getName()},
                new ClipTextEncoderService(clip), properties(clip, version, id + "-text", "encoder")));
        out.add(context.registerService(StoaService.class, new ClipZeroShotService(clip, ready),
                properties(clip, version, id + "-zero-shot", "model")));
        out.add(context.registerService(StoaService.class, new ClipSimilarityService(clip, ready),
                properties(clip, version, id + "-similarity", "model")));
        return out;
    }

    /** Refuses calls to an untrained model while the trainer is training it: the answer would be noise. */
    private void ready(ClipInference clip) {
        TrainingService t = training;
        if (clip.trained() || t == null) {
            return;
        }
        Optional<TrainingStatus> run = t.activeFor(clip.variant().id());
        if (run.isPresent()) {
            TrainingStatus s = run.get();
            throw new StoaException(FailureCode.UNAVAILABLE, clip.variant().id() + " is not ready yet: it is being"
                    + " trained (run " + s.id() + ", " + s.state() + ", step " + s.step() + " of " + s.totalSteps()
                    + (s.etaSeconds() >= 0 ? ", about " + s.etaSeconds() + " s left" : "") + "); it serves as soon"
                    + " as training publishes it. Progress: GET /v1/trainings/" + s.id());
        }
    }

    private static Hashtable<String, Object> properties(ClipInference clip, int version, String id, String kind) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, id);
        p.put(ServiceProperties.KIND, kind);
        p.put(ServiceProperties.VERSION, "1.0." + version);
        p.put("clip.variant", clip.variant().name());
        // whether the weights came from a trained model; false means random, untrained weights
        p.put("clip.trained", clip.trained());
        p.put("clip.store.version", version);
        p.put("embedding.dimension", clip.dimension());
        return p;
    }

    private static void withdraw(Served s) {
        for (ServiceRegistration<?> r : s.registrations()) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework as the bundle stops
            }
        }
        s.clip().close();
    }

    /** Unregisters the services, then frees the models' native memory. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        poller.shutdown();
        poller.awaitTermination(30, TimeUnit.SECONDS);
        if (factoryRegistration != null) {
            try {
                factoryRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        synchronized (this) {
            served.values().forEach(ClipModels::withdraw);
            served.clear();
        }
        for (ServiceReference<EncoderFactory> ref : encoderReferences) {
            context.ungetService(ref);
        }
    }

    /** The trainer's view: {@code model: {id: clip, variant: tiny, model_id: clip-tiny}}. */
    private final class Factory implements TrainableModelFactory {
        @Override
        public Map<String, Object> defaults() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("variant", "tiny");
            d.put("model_id", "clip-<variant>");
            return d;
        }

        @Override
        public TrainableModel create(Map<String, ?> options) {
            for (String key : options.keySet()) {
                if (!defaults().containsKey(key)) {
                    throw new StoaException(FailureCode.BAD_CONFIG, "model." + key + " is not an option of the clip"
                            + " model; use " + defaults().keySet());
                }
            }
            String name = String.valueOf(options.containsKey("variant") ? options.get("variant") : "tiny");
            ClipVariant variant = shipped.get(PREFIX + name);
            if (variant == null) {
                throw new StoaException(FailureCode.BAD_CONFIG, "model.variant is '" + name + "'; use one of "
                        + shipped.keySet().stream().map(id -> id.substring(PREFIX.length())).toList()
                        + " (files in the clip bundle's variants/)");
            }
            String modelId = options.containsKey("model_id") ? String.valueOf(options.get("model_id")) : variant.id();
            if (!modelId.startsWith(PREFIX)) {
                throw new StoaException(FailureCode.BAD_CONFIG, "model.model_id is '" + modelId + "'; start it with"
                        + " 'clip-' so the clip bundle serves it");
            }
            return new ClipTrainable(variant, modelId, encoders::get);
        }
    }
}
