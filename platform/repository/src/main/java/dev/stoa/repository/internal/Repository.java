package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.ModelState;
import dev.stoa.api.model.ModelStatus;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.model.TrainingProgress;
import dev.stoa.api.model.VersionPolicy;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository's engine, OSGi-free but for registering services: one thread owns every model's state and does
 * every change in order (scan, open, register, withdraw, close), as Felix SCR's registration queue does, so two swaps
 * of one model never interleave. Readers get immutable {@link ModelInfo} snapshots.
 *
 * <p>The store is scanned every {@link Settings#pollMs()} by listing {@code <root>/} and each model's folder: a few
 * directory reads, which also work on network and container file systems where file-change notifications do not
 * arrive. A version is published by an atomic rename, so a scan sees it whole or not at all.
 *
 * <p>The swap of a model's serving version: the new version is opened and warmed up while the old one serves, then
 * registered under the model's service ids, and only then is the old registration withdrawn (the bus takes it out of
 * rotation and waits for its in-flight calls), and the old version closed.
 */
final class Repository implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);
    private static final long WAIT_SECONDS = 300;

    private final ModelStore store;
    private final TrainingFiles trainingFiles;
    private final Supplier<TrainingService> trainer;
    private final ScheduledExecutorService thread;
    private volatile Thread owner;
    /** Owned by the repository's thread. */
    private final Map<String, ModelEntry> entries = new TreeMap<>();
    /** Owned by the repository's thread. */
    private final List<ProviderHandle> providers = new ArrayList<>();

    private final VersionOpener opener;
    private final java.util.function.Function<String, Optional<dev.stoa.api.engine.InferenceEngine>> engines;
    private volatile Settings settings;
    private volatile Map<String, ModelInfo> snapshot = Map.of();
    private ScheduledFuture<?> poll;

    /**
     * @param store the model store
     * @param home the installation folder, for the training files ({@code etc/train/})
     * @param trainer the trainer, or {@code null} while none runs
     * @param settings the settings
     */
    Repository(ModelStore store, Path home, Supplier<TrainingService> trainer, Settings settings) {
        this(store, home, trainer, settings, name -> Optional.empty());
    }

    /**
     * @param store the model store
     * @param home the installation folder, for the training files ({@code etc/train/})
     * @param trainer the trainer, or {@code null} while none runs
     * @param settings the settings
     * @param engines the inference engine registered under a name now, if any
     */
    Repository(
            ModelStore store,
            Path home,
            Supplier<TrainingService> trainer,
            Settings settings,
            java.util.function.Function<String, Optional<dev.stoa.api.engine.InferenceEngine>> engines) {
        this.opener = new VersionOpener(engines);
        this.engines = engines;
        this.store = store;
        this.trainingFiles = new TrainingFiles(home);
        this.trainer = trainer;
        this.settings = settings;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stoa-model-repository");
            t.setDaemon(true);
            owner = t;
            return t;
        });
    }

    /** Starts scanning the store. */
    synchronized void start() {
        poll = thread.scheduleWithFixedDelay(this::scanQuietly, 0, settings.pollMs(), TimeUnit.MILLISECONDS);
    }

    /** Applies new settings without withdrawing anything that still serves. */
    synchronized void configure(Settings next) {
        long previousPoll = settings.pollMs();
        boolean chainsChanged = !settings.defaultEngines().equals(next.defaultEngines())
                || !settings.engines().equals(next.engines());
        settings = next;
        if (chainsChanged) {
            reconsiderEngines();
        }
        if (poll != null && previousPoll != next.pollMs()) {
            poll.cancel(false);
            poll = thread.scheduleWithFixedDelay(this::scanQuietly, 0, next.pollMs(), TimeUnit.MILLISECONDS);
        } else {
            thread.execute(this::scanQuietly);
        }
    }

    /**
     * An engine came or went, or the chains changed: every loaded version that does not serve on the first engine of
     * its chain that is usable now (pytorch, or an engine registered and available) is opened again along its chain
     * and swapped in as a new version would be (registered before the old instance is withdrawn and drained). Engine
     * bundles often start after the models opened at boot.
     */
    void reconsiderEngines() {
        thread.execute(() -> {
            try {
                reopenOnBetterEngines();
            } catch (RuntimeException e) {
                LOG.warn("re-choosing engines failed: {}", e.toString());
            }
        });
    }

    /** A model bundle's provider arrived: its models are opened on the repository's thread. */
    void addProvider(ProviderHandle handle) {
        thread.execute(() -> {
            providers.add(handle);
            scanQuietly();
        });
    }

    /**
     * A provider is going away: its models' services are withdrawn (drained) and closed before this returns, while
     * its bundle can still unregister them.
     */
    void removeProvider(Object provider) {
        if (thread.isShutdown()) {
            // the repository was closed first (the framework stopping): every service is already withdrawn
            return;
        }
        run(() -> {
            ProviderHandle gone = providers.stream()
                    .filter(h -> h.provider() == provider)
                    .findFirst()
                    .orElse(null);
            if (gone == null) {
                return null;
            }
            providers.remove(gone);
            for (ModelEntry e : entries.values()) {
                if (e.provider == gone) {
                    withdrawAll(e);
                    e.provider = null;
                    e.goneReason = "its bundle " + gone.bundle() + " went away";
                    LOG.info("{}: withdrawn, {}", e.id, e.goneReason);
                }
            }
            scan();
            return null;
        });
    }

    /** @return every model, with the trainer's view of the untrained ones */
    List<ModelInfo> models() {
        return snapshot.values().stream().map(this::withTraining).toList();
    }

    Optional<ModelInfo> model(String id) {
        return Optional.ofNullable(snapshot.get(id)).map(this::withTraining);
    }

    Optional<ModelInfo> modelOfService(String serviceId) {
        for (ModelInfo m : snapshot.values()) {
            if (m.services().contains(serviceId)
                    || m.versions().stream().anyMatch(v -> v.services().contains(serviceId))) {
                return Optional.of(withTraining(m));
            }
        }
        return Optional.empty();
    }

    ModelInfo load(String id, OptionalInt version) {
        return run(() -> {
            ModelEntry e = entry(id);
            e.published = published(id);
            int v = version.isPresent() ? version.getAsInt() : e.published.isEmpty() ? -1 : e.published.last();
            if (!e.published.contains(v)) {
                throw new StoaException(
                        FailureCode.UNKNOWN_SERVICE,
                        id + " has no published version "
                                + (version.isPresent() ? Integer.toString(v) : "yet") + "; its versions are "
                                + e.published
                                + (e.published.isEmpty() ? " (" + status(e).message() + ")" : ""));
            }
            if (e.provider == null) {
                throw new StoaException(
                        FailureCode.UNAVAILABLE,
                        id + ": " + e.goneReason + "; install the bundle" + " that serves it first");
            }
            e.pinned.add(v);
            e.unloaded.remove(v);
            e.unloadedAll = false;
            e.failed.remove(v);
            reconcile(e);
            publish();
            if (!e.loaded.containsKey(v)) {
                Failure f = e.failed.get(v);
                throw f != null
                        ? f.toException(id, v)
                        : new StoaException(FailureCode.INTERNAL, id + " version " + v + " did not load");
            }
            return withTraining(snapshot.get(id));
        });
    }

    ModelInfo unload(String id, OptionalInt version) {
        return run(() -> {
            ModelEntry e = entry(id);
            if (version.isPresent()) {
                int v = version.getAsInt();
                if (!e.published.contains(v) && !e.loaded.containsKey(v)) {
                    throw new StoaException(
                            FailureCode.UNKNOWN_SERVICE,
                            id + " has no version " + v + "; its versions" + " are " + e.published);
                }
                e.unloaded.add(v);
                e.pinned.remove(v);
            } else {
                e.unloadedAll = true;
                e.pinned.clear();
            }
            reconcile(e);
            publish();
            return withTraining(snapshot.get(id));
        });
    }

    /**
     * Writes a version's ONNX graphs next to it ({@code bin/stoa export}), on the repository's thread so it never
     * races a swap of the same version.
     *
     * @param id the model id
     * @param version the version, or empty for the newest published one
     * @return each graph's file
     * @throws StoaException {@code UNKNOWN_SERVICE} for an unknown model or version, {@code UNAVAILABLE} when its
     *     bundle is gone or it cannot be exported
     */
    Map<String, Path> export(String id, OptionalInt version) {
        return run(() -> {
            ModelEntry e = entry(id);
            e.published = published(id);
            int v = version.isPresent() ? version.getAsInt() : e.published.isEmpty() ? -1 : e.published.last();
            if (!e.published.contains(v)) {
                throw new StoaException(
                        FailureCode.UNKNOWN_SERVICE,
                        id + " has no published version " + (version.isPresent() ? Integer.toString(v) : "yet")
                                + "; its versions are " + e.published);
            }
            if (e.provider == null) {
                throw new StoaException(
                        FailureCode.UNAVAILABLE, id + ": " + e.goneReason + "; install the bundle that serves it");
            }
            LoadedVersion lv = e.loaded.get(v);
            try {
                Map<String, Path> files = opener.exportNow(
                        e.provider,
                        new ModelSource(id, v, store.root().resolve(id).resolve(Integer.toString(v))),
                        lv == null ? null : lv.model);
                // a loaded version whose chain prefers an engine that needed these graphs moves onto it
                reconsiderEngines();
                return files;
            } finally {
                publish();
            }
        });
    }

    /** Withdraws every service and closes every version, then stops the repository's thread. */
    @Override
    public void close() {
        try {
            run(() -> {
                entries.values().forEach(this::withdrawAll);
                entries.clear();
                snapshot = Map.of();
                return null;
            });
        } finally {
            thread.shutdownNow();
        }
    }

    // ---- on the repository's thread ----

    private ModelEntry entry(String id) {
        ModelEntry e = entries.get(id);
        if (e == null) {
            throw new StoaException(FailureCode.UNKNOWN_SERVICE, "no model '" + id + "'; GET /v1/models lists them");
        }
        return e;
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.warn("scanning the model store {} failed: {}", store.root(), e.toString());
        }
    }

    private void scan() {
        TreeSet<String> ids = new TreeSet<>(storeIds());
        providers.forEach(p -> ids.addAll(p.provider().shipped()));
        ids.addAll(entries.keySet());
        for (String id : ids) {
            ModelEntry e = entries.computeIfAbsent(id, ModelEntry::new);
            e.published = published(id);
            if (e.provider == null || !providers.contains(e.provider)) {
                e.provider =
                        providers.stream().filter(p -> p.offers(id)).findFirst().orElse(null);
            }
            reconcile(e);
            if (e.idle()) {
                entries.remove(id);
            }
        }
        publish();
    }

    private void reconcile(ModelEntry e) {
        if (e.provider == null) {
            withdrawAll(e);
            return;
        }
        VersionPolicy policy = settings.policyOf(e.id);
        // open what the policy selects, newest first; a version that cannot be opened is left out and the policy
        // chooses again among the rest, so a broken new version leaves the previous one serving
        Set<Integer> broken = new HashSet<>();
        SortedSet<Integer> desired;
        boolean again;
        do {
            again = false;
            desired = e.desired(policy, broken);
            long now = System.currentTimeMillis();
            for (Integer v : new TreeSet<>(desired).descendingSet()) {
                if (e.loaded.containsKey(v)) {
                    continue;
                }
                Failure f = e.failed.get(v);
                LoadedVersion opened = f == null || now - f.atMillis() >= settings.retryFailedMs() ? open(e, v) : null;
                if (opened != null) {
                    e.loaded.put(v, opened);
                } else {
                    broken.add(v);
                    again = true;
                }
            }
        } while (again);
        LoadedVersion next = null;
        for (Integer v : desired) {
            next = e.loaded.getOrDefault(v, next);
        }
        boolean standInsWanted = next == null && e.shipped() && !e.unloadedAll;
        if (standInsWanted && e.standIns.isEmpty()) {
            standIn(e);
        }
        if (next != e.serving) {
            LoadedVersion old = e.serving;
            if (next != null) {
                // the swap: the new version's services first, then the old ones go (drained by the bus), then close
                Registrations.register(e, next, false);
                e.serving = next;
                LOG.info(
                        "{}: version {} serves {}{}",
                        e.id,
                        next.number,
                        next.serviceIds(),
                        old != null ? " (was version " + old.number + ")" : "");
            } else {
                e.serving = null;
            }
            if (old != null) {
                LoadedVersion.unregister(old.serving);
            }
        }
        if (!standInsWanted && !e.standIns.isEmpty()) {
            LoadedVersion.unregister(e.standIns);
        }
        boolean several = policy.multiVersion() || desired.size() > 1;
        for (LoadedVersion lv : e.loaded.values()) {
            boolean wanted = several && desired.contains(lv.number);
            if (wanted && lv.versioned.isEmpty()) {
                Registrations.register(e, lv, true);
            } else if (!wanted && !lv.versioned.isEmpty()) {
                LoadedVersion.unregister(lv.versioned);
            }
        }
        for (Iterator<LoadedVersion> it = e.loaded.values().iterator(); it.hasNext(); ) {
            LoadedVersion lv = it.next();
            if (!desired.contains(lv.number)) {
                it.remove();
                lv.withdrawAndClose(e.id);
                LOG.info("{}: version {} unloaded", e.id, lv.number);
            }
        }
        if (next != null) {
            e.serviceIds = next.serviceIds();
        }
    }

    private void reopenOnBetterEngines() {
        for (ModelEntry e : entries.values()) {
            if (e.provider == null) {
                continue;
            }
            EngineChain chain = settings.engineChainOf(e.id);
            for (LoadedVersion lv : List.copyOf(e.loaded.values())) {
                String best = firstUsable(chain);
                if (best == null || best.equals(lv.engine.engine())) {
                    continue;
                }
                // an engine that needs a graph and a version without one (its export failed or its model has none;
                // bin/stoa export then reconsiders): opening it again would only end on the same engine
                if (!dev.stoa.api.engine.EngineChoice.PYTORCH.equals(best)
                        && ExportedGraphs.in(store.root().resolve(e.id).resolve(Integer.toString(lv.number)))
                                .isEmpty()) {
                    continue;
                }
                LoadedVersion next = open(e, lv.number);
                if (next == null || next.engine.engine().equals(lv.engine.engine())) {
                    if (next != null) {
                        next.withdrawAndClose(e.id);
                    }
                    continue;
                }
                e.loaded.put(lv.number, next);
                if (e.serving == lv) {
                    Registrations.register(e, next, false);
                    e.serving = next;
                    LoadedVersion.unregister(lv.serving);
                }
                if (!lv.versioned.isEmpty()) {
                    Registrations.register(e, next, true);
                    LoadedVersion.unregister(lv.versioned);
                }
                lv.withdrawAndClose(e.id);
                LOG.info(
                        "{}: version {} now serves on {} (was {}): {}",
                        e.id,
                        lv.number,
                        next.engine.engine(),
                        lv.engine.engine(),
                        next.engine.reason());
            }
        }
        publish();
    }

    private String firstUsable(EngineChain chain) {
        for (String name : chain.engines()) {
            if (dev.stoa.api.engine.EngineChoice.PYTORCH.equals(name)) {
                return name;
            }
            Optional<dev.stoa.api.engine.InferenceEngine> engine = engines.apply(name);
            if (engine.isPresent() && engine.get().unavailableReason().isEmpty()) {
                return name;
            }
        }
        return null;
    }

    /** Opens a version and warms it up; on failure records why and returns {@code null}. */
    private LoadedVersion open(ModelEntry e, int version) {
        e.loading = version;
        publish();
        OpenedModel opened = null;
        try {
            VersionOpener.Opened o = opener.open(
                    e.provider,
                    new ModelSource(e.id, version, store.root().resolve(e.id).resolve(Integer.toString(version))),
                    settings.engineChainOf(e.id),
                    settings.exportOnnx());
            opened = o.model();
            if (settings.warmUp()) {
                warmUp(opened);
            }
            e.failed.remove(version);
            return new LoadedVersion(version, opened, o.engine());
        } catch (Exception | Error t) {
            if (opened != null) {
                opened.close();
            }
            recordFailure(e, version, t);
            return null;
        } finally {
            e.loading = -1;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void warmUp(OpenedModel opened) {
        for (ModelService s : opened.services()) {
            if (s.warmUpInput() != null) {
                try {
                    ((StoaService) s.service()).call(s.warmUpInput());
                } catch (RuntimeException e) {
                    throw new StoaException(FailureCode.INTERNAL, "the warm-up call of " + s.id() + " failed: " + e, e);
                }
            }
        }
    }

    /** Registers stand-ins for a shipped model with no version serving: its services answer its status. */
    private void standIn(ModelEntry e) {
        Failure f = e.failed.get(0);
        if (f != null && System.currentTimeMillis() - f.atMillis() < settings.retryFailedMs()) {
            return;
        }
        e.loading = 0;
        OpenedModel shipped = null;
        try {
            shipped = e.provider.provider().open(ModelSource.shipped(e.id));
            String id = e.id;
            for (ModelService s : shipped.services()) {
                StoaService<?, ?> standIn = UntrainedStandIn.of(s.service(), s.id(), () -> currentStatus(id));
                e.standIns.add(Registrations.register(e, s, standIn, s.id(), 0));
            }
            e.serviceIds = shipped.services().stream().map(ModelService::id).toList();
            e.failed.remove(0);
            LOG.info("{}: no trained version; {} answer UNTRAINED until one is published", e.id, e.serviceIds);
        } catch (Exception | Error t) {
            LoadedVersion.unregister(e.standIns);
            recordFailure(e, 0, t);
        } finally {
            e.loading = -1;
            if (shipped != null) {
                shipped.close();
            }
        }
    }

    private void recordFailure(ModelEntry e, int version, Throwable t) {
        Failure f = Failure.of(t);
        Failure before = e.failed.put(version, f);
        if (before == null || !before.reason().equals(f.reason())) {
            String what = version == 0 ? "the shipped model" : "version " + version;
            if (f.code() == FailureCode.INTERNAL) {
                LOG.error(
                        "{}: {} could not be opened (tried again every {} ms)",
                        e.id,
                        what,
                        settings.retryFailedMs(),
                        t);
            } else {
                LOG.warn(
                        "{}: {} could not be opened (tried again every {} ms): {}",
                        e.id,
                        what,
                        settings.retryFailedMs(),
                        f.reason());
            }
        }
    }

    private void withdrawAll(ModelEntry e) {
        LoadedVersion.unregister(e.standIns);
        for (LoadedVersion lv : e.loaded.values()) {
            lv.withdrawAndClose(e.id);
        }
        e.loaded.clear();
        e.serving = null;
    }

    private void publish() {
        Map<String, ModelInfo> next = new TreeMap<>();
        for (ModelEntry e : entries.values()) {
            next.put(e.id, e.describe(settings.policyOf(e.id), status(e), opener::export));
        }
        snapshot = java.util.Collections.unmodifiableMap(next);
    }

    private ModelStatus status(ModelEntry e) {
        return e.status(settings.policyOf(e.id), trainingFiles.fileFor(e.id));
    }

    private SortedSet<Integer> published(String id) {
        TreeSet<Integer> out = new TreeSet<>();
        try {
            store.versions(id).forEach(v -> out.add(v.number()));
        } catch (RuntimeException unreadable) {
            // a folder that cannot be listed has no versions for now; the next scan tries again
        }
        return out;
    }

    private List<String> storeIds() {
        if (!Files.isDirectory(store.root())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(store.root())) {
            return dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[a-z0-9][a-z0-9._-]{0,99}"))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    // ---- any thread ----

    /** The model's status now, as its stand-ins answer it. */
    private ModelStatus currentStatus(String id) {
        ModelInfo m = snapshot.get(id);
        return m == null
                ? ModelStatus.gone(id + " is not in the repository")
                : withTraining(m).status();
    }

    /** Turns {@code UNTRAINED} into {@code TRAINING} while a run that publishes the model is queued or running. */
    private ModelInfo withTraining(ModelInfo m) {
        TrainingService t = trainer.get();
        if (t == null || m.status().state() != ModelState.UNTRAINED) {
            return m;
        }
        Optional<TrainingStatus> run;
        try {
            run = t.activeFor(m.id());
        } catch (RuntimeException e) {
            return m;
        }
        if (run.isEmpty()) {
            return m;
        }
        TrainingStatus s = run.get();
        // the file as etc/train names it when known; the run's own path (possibly absolute) otherwise
        String file = m.status().trainingFile() != null ? m.status().trainingFile() : s.file();
        ModelStatus training = ModelStatus.training(
                m.id(), file, new TrainingProgress(s.id(), s.step(), s.totalSteps(), s.etaSeconds()));
        return new ModelInfo(m.id(), training, m.policy(), m.versions(), m.services(), m.bundle());
    }

    /** Runs on the repository's thread and waits (the owner thread itself runs it at once). */
    private <T> T run(Callable<T> task) {
        if (Thread.currentThread() == owner) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new StoaException(FailureCode.INTERNAL, e.toString(), e);
            }
        }
        Future<T> f = thread.submit(task);
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoaException(FailureCode.UNAVAILABLE, "interrupted while waiting for the model repository");
        } catch (TimeoutException e) {
            throw new StoaException(
                    FailureCode.TIMEOUT,
                    "the model repository is still busy after " + WAIT_SECONDS
                            + " s (opening a large model?); GET /v1/models shows what it is doing");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new StoaException(FailureCode.INTERNAL, String.valueOf(e.getCause()), e.getCause());
        }
    }
}
