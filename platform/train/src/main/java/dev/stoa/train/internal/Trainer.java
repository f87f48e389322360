package dev.stoa.train.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.train.TrainableModelFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service: queues training files and runs up to {@code concurrentRuns} of them at a time, each on a
 * trainer thread of its own with its share of the intra-op thread budget ({@link ThreadBudget}), finding the model,
 * loss and dataset each names among the registered {@link TrainableModelFactory}, {@link LossFactory} and
 * {@link DatasetFactory} services by {@code stoa.id}. Progress goes to the log, to {@link #runs()} and, as JSON, to
 * the event bus at {@link TrainingService#PROGRESS_ADDRESS}. A run whose {@code needs:} the model store lacks waits
 * for the run that outputs them ({@link RunQueue}). At start-up it trains every file marked {@code first_start: true}
 * whose output the model store lacks, producers before the files that need them ({@link FirstStartPlan}), so the
 * default models exist with no manual step.
 */
@Component(immediate = true, configurationPid = "dev.stoa.train", service = TrainingService.class)
@Designate(ocd = TrainerConfig.class)
public final class Trainer implements TrainingService {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final BundleContext context;
    private final DjlRuntime djl;
    private final TrainerConfig config;
    private final ModelStore store;
    private final Path runsDir;
    private final List<TrainingRun> runs = new CopyOnWriteArrayList<>();
    private final RunQueue queue;
    private final List<Thread> workers = new ArrayList<>();
    /** Where {@link #start} may read training files from. */
    private final TrainingFolders folders;

    private volatile Vertx vertx;

    /**
     * @param context for the factories' lookups and {@code stoa.home}
     * @param djl DJL with PyTorch loaded
     * @param config the settings
     */
    @Activate
    public Trainer(
            BundleContext context, @Reference(target = "(djl.engines=PyTorch)") DjlRuntime djl, TrainerConfig config) {
        this.context = context;
        this.djl = djl;
        this.config = config;
        String home = context.getProperty("stoa.home");
        this.store = ModelStore.at(home);
        removeLeftoverStaging(store);
        this.queue = new RunQueue(
                id -> store.latest(id).isPresent(),
                Math.max(1, config.concurrentRuns()),
                ThreadBudget.of(config.threads()));
        for (int i = 1; i <= queue.slots(); i++) {
            Thread worker = new Thread(this::work, queue.slots() == 1 ? "stoa-trainer" : "stoa-trainer-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        this.runsDir =
                config.runs().isBlank() ? Path.of(home == null ? "." : home, "data", "train") : Path.of(config.runs());
        Path trainDir =
                config.dir().isBlank() ? Path.of(home == null ? "." : home, "etc", "train") : Path.of(config.dir());
        this.folders = folders(home, trainDir, config);
        // the framework property turns first-start training off for a whole installation or a test container
        if (config.firstStart() && !"false".equals(context.getProperty("stoa.train.firstStart"))) {
            firstStart(trainDir);
        }
    }

    /**
     * Removes the staging folders of publishes that a kill interrupted (this trainer is the store's only writer, and
     * it has no run yet), so they do not pile up; a reader never sees them either way.
     */
    static void removeLeftoverStaging(ModelStore store) {
        try {
            for (Path staging : store.removeLeftoverStaging()) {
                LOG.info("{}: removed, a model version left unpublished when Stoa stopped mid-publish", staging);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("cannot remove leftover staging folders in {}: {}", store.root(), e.toString());
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindVertx(Vertx v) {
        vertx = v;
    }

    void unbindVertx(Vertx v) {
        if (vertx == v) {
            vertx = null;
        }
    }

    private void firstStart(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<TrainingFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            // sorted only so that the log reads the same each time; the order of training follows needs:
            for (Path f : list.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList()) {
                try {
                    files.add(TrainingFile.read(f));
                } catch (StoaException e) {
                    LOG.error("{}", e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.toString());
            return;
        }
        FirstStartPlan plan = FirstStartPlan.of(files, id -> store.latest(id).isPresent());
        plan.errors().forEach(e -> LOG.error("{}", e));
        files.stream()
                .filter(f -> f.firstStart()
                        && f.output() != null
                        && store.latest(f.output()).isPresent())
                .forEach(f -> LOG.info(
                        "{}: {} is in the model store ({}); not training it again",
                        f.file(),
                        f.output(),
                        store.latest(f.output()).get().path()));
        for (TrainingFile file : plan.order()) {
            LOG.info(
                    "{}: the model store has no {}: training it in the background (first start{}); progress in the"
                            + " log, GET /v1/trainings and on the bus at {}",
                    file.file(),
                    file.output(),
                    file.needs().isEmpty()
                            ? ""
                            : ", after "
                                    + file.needs().stream()
                                            .map(TrainingFile.Need::modelId)
                                            .toList(),
                    PROGRESS_ADDRESS);
            try {
                submit(file);
            } catch (StoaException e) {
                LOG.error("{}", e.getMessage());
            }
        }
    }

    /**
     * Reads a training file a caller named (HTTP, bin/stoa train, another bundle) only from the training folders, and
     * only up to the size limit ({@link TrainingFolders}).
     */
    @Override
    public TrainingStatus start(Path file) {
        return submit(TrainingFile.parse(file, folders.read(file))).status();
    }

    /** @return the training folder and the configured extra folders, relative ones under {@code home} */
    static TrainingFolders folders(String home, Path trainDir, TrainerConfig config) {
        List<Path> out = new ArrayList<>();
        out.add(trainDir);
        Path base = Path.of(home == null ? "." : home);
        for (String entry : config.folders()) {
            for (String f : entry.split(",")) {
                if (!f.isBlank()) {
                    out.add(base.resolve(f.trim()));
                }
            }
        }
        return new TrainingFolders(out, config.maxFileBytes());
    }

    private TrainingRun submit(TrainingFile file) {
        for (TrainingRun r : runs) {
            if (r.file().name().equals(file.name()) && !r.status().finished()) {
                throw new StoaException(
                        FailureCode.BAD_INPUT,
                        "'" + file.name() + "' is already " + r.status().state() + " as run "
                                + r.status().id() + "; cancel it first or wait for it");
            }
        }
        String id = file.name() + "-" + LocalDateTime.now().format(STAMP);
        TrainingRun run = new TrainingRun(id, file, components(), store, runsDir, this::publish);
        if (queue.slots() > 1 || config.threads() > 0) {
            // one run at a time with the default budget leaves PyTorch's own setting (every core), as before
            run.threads(() -> queue.threadsFor(run));
        }
        queue.add(run);
        runs.add(0, run);
        return run;
    }

    /** A trainer thread: one run after another, each when the queue says it can start. */
    private void work() {
        try {
            TrainingRun run;
            while ((run = queue.take()) != null) {
                try {
                    execute(run);
                } finally {
                    queue.finished(run);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void execute(TrainingRun run) {
        if (run.cancelled()) {
            run.fail("cancelled", "cancelled before it started");
            return;
        }
        if (!awaitComponents(run)) {
            return;
        }
        try {
            djl.withEngineClassLoader(run::run);
        } catch (Exception e) {
            run.fail("failed", e.toString());
        }
    }

    private boolean awaitComponents(TrainingRun run) {
        TrainingFile f = run.file();
        TrainingRun.Components c = components();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.waitSeconds());
        while (c.model(f.modelId()) == null || c.loss(f.lossId()) == null || c.dataset(f.datasetId()) == null) {
            if (run.cancelled() || System.nanoTime() > deadline) {
                run.fail(
                        run.cancelled() ? "cancelled" : "failed",
                        "waited " + config.waitSeconds() + " s for model '"
                                + f.modelId() + "' (" + present(c.model(f.modelId())) + "), loss '" + f.lossId() + "' ("
                                + present(c.loss(f.lossId())) + ") and dataset '" + f.datasetId() + "' ("
                                + present(c.dataset(f.datasetId())) + "); install the missing bundles");
                return false;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static String present(Object o) {
        return o == null ? "missing" : "present";
    }

    private TrainingRun.Components components() {
        return new TrainingRun.Components() {
            @Override
            public TrainableModelFactory model(String id) {
                return find(TrainableModelFactory.class, id);
            }

            @Override
            public LossFactory loss(String id) {
                return find(LossFactory.class, id);
            }

            @Override
            public DatasetFactory dataset(String id) {
                return find(DatasetFactory.class, id);
            }
        };
    }

    private <T> T find(Class<T> type, String id) {
        try {
            Collection<ServiceReference<T>> refs = context.getServiceReferences(
                    type, "(" + ServiceProperties.ID + "=" + id.replaceAll("([\\\\*()])", "\\\\$1") + ")");
            for (ServiceReference<T> ref : refs) {
                T service = context.getService(ref);
                if (service != null) {
                    return service;
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // a malformed id finds nothing; a stopping bundle context likewise
        }
        return null;
    }

    private void publish(TrainingStatus s) {
        Vertx v = vertx;
        if (v != null) {
            v.eventBus().publish(PROGRESS_ADDRESS, new JsonObject(s.toMap()));
        }
    }

    @Override
    public List<TrainingStatus> runs() {
        List<TrainingStatus> out = new ArrayList<>();
        runs.forEach(r -> out.add(r.status()));
        return out;
    }

    @Override
    public Optional<TrainingStatus> run(String id) {
        return runs.stream()
                .filter(r -> r.status().id().equals(id))
                .map(TrainingRun::status)
                .findFirst();
    }

    @Override
    public Optional<TrainingStatus> activeFor(String modelId) {
        return runs.stream()
                .map(TrainingRun::status)
                .filter(s -> !s.finished())
                .filter(s -> modelId.equals(s.modelId()))
                .findFirst();
    }

    @Override
    public boolean cancel(String id) {
        for (TrainingRun r : runs) {
            if (r.status().id().equals(id) && !r.status().finished()) {
                r.cancel();
                queue.changed();
                return true;
            }
        }
        return false;
    }

    /** Cancels every run (a running one checkpoints first) and waits for the trainer thread. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        runs.forEach(TrainingRun::cancel);
        queue.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Thread worker : workers) {
            worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (worker.isAlive()) {
                LOG.warn("the training on {} did not stop within 60 s; abandoning it", worker.getName());
                worker.interrupt();
            }
        }
    }
}
