package dev.stoa.gateway.internal;

import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelVersionInfo;
import dev.stoa.api.runtime.DeployedArtifact;
import dev.stoa.api.runtime.DeploymentReport;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import dev.stoa.api.train.TrainingService;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happens in the platform into {@link ConsoleEvents} and {@link RecentErrors}:
 * <ul>
 *   <li>bundle state changes as they happen (a {@link BundleListener});</li>
 *   <li>training progress as the trainer publishes it on the bus ({@link TrainingService#PROGRESS_ADDRESS});</li>
 *   <li>the rest by comparing snapshots every {@code pollMs}: the deploy folder's verdicts, the services on the bus,
 *       the pipelines, the models, readiness, and the bundles' problems. These are in-memory lists the gateway
 *       already answers, so a snapshot costs microseconds; the platform has no change events for them.</li>
 * </ul>
 * Errors it records: a service whose failure counter grew, a failed training run, a deployed file that does not
 * run, a bundle whose component failed, a pipeline's new errors, a model that failed to load.
 */
final class PlatformWatcher implements BundleListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformWatcher.class);
    private static final int RUNS_REMEMBERED = 200;

    /**
     * Where the watcher reads the platform; each supplier may answer {@code null} (or an empty list) while the
     * part is absent.
     *
     * @param services {@code GET /v1/services}'s answer, {@code null} without the bus
     * @param pipelines the pipelines
     * @param deploy the deploy folder's report
     * @param models the model repository
     * @param bundles {@code GET /v1/bundles}'s answer
     * @param readiness {@code GET /health/ready}'s answer
     */
    record Sources(
            Supplier<JsonArray> services,
            Supplier<PipelineDirectory> pipelines,
            Supplier<DeploymentReport> deploy,
            Supplier<ModelRepository> models,
            Supplier<JsonArray> bundles,
            Supplier<JsonObject> readiness) {}

    private final Vertx vertx;
    private final BundleContext context;
    private final Sources sources;
    private final ConsoleEvents events;
    private final RecentErrors errors;
    private final AtomicBoolean polling = new AtomicBoolean();
    private final Snapshots services = new Snapshots();
    private final Snapshots pipelines = new Snapshots();
    private final Snapshots deploy = new Snapshots();
    private final Snapshots models = new Snapshots();
    private final Snapshots readiness = new Snapshots();
    private final Map<String, Long> failures = new HashMap<>();
    /** Bundle polls a problem must last before it is listed as an error (a poll every 2 s). */
    static final int PROBLEM_POLLS = 3;

    /** A bundle's problem, the polls in a row it has been seen, and whether it was listed. */
    private record Seen(String problem, int polls, boolean reported) {}

    private final Map<String, Seen> bundleProblems = new HashMap<>();
    private final Map<String, Set<String>> pipelineErrors = new HashMap<>();
    private final Map<String, String> runStates = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > RUNS_REMEMBERED;
        }
    };
    private long timer = -1;
    private long polls;
    private MessageConsumer<Object> progress;

    PlatformWatcher(Vertx vertx, BundleContext context, Sources sources, ConsoleEvents events, RecentErrors errors) {
        this.vertx = vertx;
        this.context = context;
        this.sources = sources;
        this.events = events;
        this.errors = errors;
    }

    /** Starts listening and polling every {@code pollMs}. */
    PlatformWatcher start(long pollMs) {
        if (context != null) {
            context.addBundleListener(this);
        }
        progress = vertx.eventBus().localConsumer(TrainingService.PROGRESS_ADDRESS, m -> {
            if (m.body() instanceof JsonObject status) {
                training(status);
            }
        });
        timer = vertx.setPeriodic(1, pollMs, t -> {
            if (polling.compareAndSet(false, true)) {
                vertx.executeBlocking(
                                () -> {
                                    poll();
                                    return null;
                                },
                                false)
                        .onComplete(ar -> {
                            polling.set(false);
                            if (ar.failed()) {
                                LOG.warn(
                                        "console events: a snapshot failed: {}",
                                        ar.cause().toString());
                            }
                        });
            }
        });
        return this;
    }

    @Override
    public void close() {
        if (context != null) {
            try {
                context.removeBundleListener(this);
            } catch (IllegalStateException stopping) {
                // the bundle is stopping: its listeners go with it
            }
        }
        if (progress != null) {
            progress.unregister();
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    @Override
    public void bundleChanged(BundleEvent e) {
        Bundle b = e.getBundle();
        JsonObject data = new JsonObject()
                .put("change", change(e.getType()))
                .put("id", b.getBundleId())
                .put("symbolicName", b.getSymbolicName())
                .put("version", b.getVersion().toString())
                .put("state", BundleInspector.stateName(b.getState()))
                .put("location", b.getLocation());
        DeploymentReport report = sources.deploy().get();
        if (report != null) {
            for (DeployedArtifact a : report.artifacts()) {
                if (a.bundleId() == b.getBundleId()) {
                    data.put("file", a.file());
                    if (a.problem() != null) {
                        data.put("problem", a.problem());
                    }
                }
            }
        }
        events.publish("bundle", data);
    }

    static String change(int type) {
        return switch (type) {
            case BundleEvent.INSTALLED -> "INSTALLED";
            case BundleEvent.RESOLVED -> "RESOLVED";
            case BundleEvent.UNRESOLVED -> "UNRESOLVED";
            case BundleEvent.STARTING -> "STARTING";
            case BundleEvent.STARTED -> "STARTED";
            case BundleEvent.STOPPING -> "STOPPING";
            case BundleEvent.STOPPED -> "STOPPED";
            case BundleEvent.UPDATED -> "UPDATED";
            case BundleEvent.UNINSTALLED -> "UNINSTALLED";
            case BundleEvent.LAZY_ACTIVATION -> "LAZY_ACTIVATION";
            default -> "UNKNOWN(" + type + ")";
        };
    }

    /** A run's status from the bus: a {@code training} event, and an error when it has just failed. */
    void training(JsonObject status) {
        events.publish("training", status.copy());
        String id = status.getString("id");
        String state = status.getString("state");
        if (id == null || state == null) {
            return;
        }
        String before;
        synchronized (runStates) {
            before = runStates.put(id, state);
        }
        if (state.equals("failed") && !"failed".equals(before)) {
            errors.add("training:" + id, "failed: " + status.getString("message", "no reason given"), null, 0);
        }
    }

    /** Compares each snapshot with the last and publishes what changed; runs on a worker, one at a time. */
    synchronized void poll() {
        pollServices();
        pollPipelines();
        pollDeploy();
        pollModels();
        if (polls++ % 4 == 0) {
            pollBundles(); // every component of every bundle: every fourth time only
        }
        JsonObject ready = sources.readiness().get();
        if (ready != null) {
            Map<String, JsonObject> now = Map.of("ready", ready);
            for (Snapshots.Change c : readiness.update(now, PlatformWatcher::readinessSignature)) {
                if (!c.change().equals("removed")) {
                    events.publish("readiness", c.value().copy());
                }
            }
        }
    }

    private void pollServices() {
        JsonArray list = sources.services().get();
        Map<String, JsonObject> now = new LinkedHashMap<>();
        if (list != null) {
            for (Object o : list) {
                if (o instanceof JsonObject s) {
                    now.put(s.getString("id") + "@" + s.getString("node"), s);
                }
            }
        }
        for (Snapshots.Change c : services.update(now, PlatformWatcher::serviceSignature)) {
            String change = serviceChange(c);
            events.publish(
                    "service",
                    new JsonObject()
                            .put("change", change)
                            .put("service", c.value().copy()));
        }
        for (Map.Entry<String, JsonObject> e : now.entrySet()) {
            long count = e.getValue().getLong("failures", 0L);
            Long before = failures.put(e.getKey(), count);
            long more = count - (before == null || before > count ? 0 : before);
            if (more > 0) {
                errors.add(
                        "service:" + e.getValue().getString("id"),
                        more + " more failed call" + (more == 1 ? "" : "s") + " (" + count + " in all); GET"
                                + " /v1/metrics/summary and /metrics count them, the log says why",
                        null,
                        0);
            }
        }
        failures.keySet().retainAll(now.keySet());
    }

    private void pollPipelines() {
        PipelineDirectory directory = sources.pipelines().get();
        List<PipelineInfo> list = directory == null ? null : directory.pipelines();
        Map<String, JsonObject> now = new LinkedHashMap<>();
        if (list != null) {
            for (PipelineInfo p : list) {
                now.put(p.name(), PipelineGraph.summary(p));
                Set<String> known = pipelineErrors.computeIfAbsent(p.name(), k -> new HashSet<>());
                for (String e : p.errors()) {
                    if (known.add(e)) {
                        errors.add("pipeline:" + p.name(), e, "BAD_CONFIG", 0);
                    }
                }
                known.retainAll(p.errors());
            }
        }
        pipelineErrors.keySet().retainAll(now.keySet());
        for (Snapshots.Change c : pipelines.update(now, JsonObject::encode)) {
            events.publish(
                    "pipeline",
                    new JsonObject()
                            .put("change", c.change())
                            .put("pipeline", c.value().copy()));
        }
    }

    private void pollDeploy() {
        DeploymentReport report = sources.deploy().get();
        Map<String, JsonObject> now = new LinkedHashMap<>();
        if (report != null) {
            for (DeployedArtifact a : report.artifacts()) {
                JsonObject o = new JsonObject()
                        .put("file", a.file())
                        .put("status", a.status().name())
                        .put("bundleId", a.bundleId())
                        .put("handledAt", a.handledAt());
                if (a.problem() != null) {
                    o.put("problem", a.problem());
                }
                now.put(a.file(), o);
            }
        }
        for (Snapshots.Change c : deploy.update(now, JsonObject::encode)) {
            JsonObject data = c.value().copy().put("change", c.change());
            events.publish("deploy", data);
            if (!c.change().equals("removed") && !"ACTIVE".equals(data.getString("status"))) {
                errors.add(
                        "bundle:" + data.getString("file"),
                        data.getString("status") + ": " + data.getString("problem", "no reason given"),
                        null,
                        0);
            }
        }
    }

    private void pollModels() {
        ModelRepository repository = sources.models().get();
        Map<String, JsonObject> now = new LinkedHashMap<>();
        if (repository != null) {
            for (ModelInfo m : repository.models()) {
                now.put(m.id(), ModelJson.model(m).put("_signature", modelSignature(m)));
            }
        }
        for (Snapshots.Change c : models.update(now, o -> o.getString("_signature"))) {
            JsonObject model = c.value().copy();
            model.remove("_signature");
            events.publish("model", new JsonObject().put("change", c.change()).put("model", model));
            JsonObject status = model.getJsonObject("status");
            if (!c.change().equals("removed") && status != null && "FAILED".equals(status.getString("state"))) {
                errors.add("model:" + model.getString("id"), status.getString("message", "failed"), null, 0);
            }
        }
    }

    private void pollBundles() {
        JsonArray list = sources.bundles().get();
        if (list == null) {
            return;
        }
        Set<String> present = new HashSet<>();
        for (Object o : list) {
            if (!(o instanceof JsonObject b) || b.getLong("id", -1L) < 0) {
                continue; // a file that could not be installed: the deploy verdict reports it
            }
            String key = String.valueOf(b.getLong("id"));
            present.add(key);
            String problem = b.getString("problem");
            Seen before = bundleProblems.get(key);
            Seen now = problem == null
                    ? null
                    : before != null && problem.equals(before.problem())
                            ? new Seen(problem, before.polls() + 1, before.reported())
                            : new Seen(problem, 1, false);
            if (now == null) {
                bundleProblems.remove(key);
                continue;
            }
            // a bundle is INSTALLED and unresolved for a moment while the framework starts or a jar is replaced:
            // only a problem that outlasts a few polls is an error worth listing
            if (!now.reported() && now.polls() >= PROBLEM_POLLS && !deployProblem(b.getString("file"), problem)) {
                String name = b.getString("file", b.getString("symbolicName"));
                errors.add("bundle:" + name, b.getString("state") + ": " + problem, null, 0);
                now = new Seen(problem, now.polls(), true);
            }
            bundleProblems.put(key, now);
        }
        bundleProblems.keySet().retainAll(present);
    }

    /** @return whether the problem is the deploy folder's verdict, which {@link #pollDeploy} reports */
    private boolean deployProblem(String file, String problem) {
        JsonObject verdict = file == null ? null : deploy.last(file);
        String deployed = verdict == null ? null : verdict.getString("problem");
        return deployed != null && problem.equals(deployed);
    }

    /**
     * The bus keeps a service's entry after its bundle unregistered it (state {@code swapping}, then {@code gone}),
     * so that calls can wait for a replacement: going {@code gone} is its unregistration, and leaving the list
     * after that its removal.
     */
    private static String serviceChange(Snapshots.Change c) {
        boolean goneNow = "gone".equals(c.value().getString("state"));
        boolean goneBefore = c.previous() != null && "gone".equals(c.previous().getString("state"));
        return switch (c.change()) {
            case "added" -> goneNow ? "unregistered" : "registered";
            case "removed" -> goneBefore ? "removed" : "unregistered";
            default -> goneNow && !goneBefore ? "unregistered" : goneBefore && !goneNow ? "registered" : "changed";
        };
    }

    static String serviceSignature(JsonObject s) {
        JsonObject stable = s.copy();
        stable.remove("calls");
        stable.remove("failures");
        stable.remove("inFlight");
        Object status = stable.remove("modelStatus");
        if (status instanceof JsonObject m) {
            stable.put("modelState", m.getString("state"));
        }
        return stable.encode();
    }

    static String modelSignature(ModelInfo m) {
        StringBuilder b =
                new StringBuilder(m.status().state().name()).append('/').append(m.servingVersion());
        for (ModelVersionInfo v : m.versions()) {
            b.append(';')
                    .append(v.number())
                    .append(':')
                    .append(v.status().state())
                    .append(':')
                    .append(v.serving());
        }
        return b.toString();
    }

    static String readinessSignature(JsonObject r) {
        StringBuilder b = new StringBuilder(String.valueOf(r.getString("status")));
        JsonArray checks = r.getJsonArray("checks");
        if (checks != null) {
            for (Object c : checks) {
                if (c instanceof JsonObject check) {
                    b.append(';').append(check.getString("name")).append('=').append(check.getString("status"));
                }
            }
        }
        return b.toString();
    }

    /** The last snapshot of one kind, keyed, and what changed since. */
    static final class Snapshots {
        /** One change: {@code added}, {@code changed} or {@code removed}, and the value (the last one when removed). */
        record Change(String change, String key, JsonObject value, JsonObject previous) {}

        private Map<String, JsonObject> last = Map.of();
        private Map<String, String> signatures = Map.of();

        List<Change> update(Map<String, JsonObject> now, Function<JsonObject, String> signature) {
            List<Change> out = new java.util.ArrayList<>();
            Map<String, String> next = new HashMap<>();
            now.forEach((k, v) -> {
                String sig = signature.apply(v);
                next.put(k, sig);
                String before = signatures.get(k);
                if (before == null) {
                    out.add(new Change("added", k, v, null));
                } else if (!Objects.equals(before, sig)) {
                    out.add(new Change("changed", k, v, last.get(k)));
                }
            });
            last.forEach((k, v) -> {
                if (!now.containsKey(k)) {
                    out.add(new Change("removed", k, v, v));
                }
            });
            last = Map.copyOf(now);
            signatures = next;
            return out;
        }

        JsonObject last(String key) {
            return last.get(key);
        }
    }
}
