package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelStatus;
import dev.stoa.api.model.ModelVersionInfo;
import dev.stoa.api.model.VersionPolicy;
import dev.stoa.api.runtime.DeployedArtifact;
import dev.stoa.api.runtime.DeploymentReport;
import dev.stoa.api.runtime.PipelineInfo;
import dev.stoa.api.train.TrainingService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watcher over stand-in sources: what each change of the platform's lists becomes. */
class PlatformWatcherTest {

    private final ConsoleEvents events = new ConsoleEvents(256);
    private final RecentErrors errors = new RecentErrors(50, events);
    private final List<ConsoleEvents.Event> got = new CopyOnWriteArrayList<>();
    private volatile JsonArray services = new JsonArray();
    private volatile List<PipelineInfo> pipelines = List.of();
    private volatile List<DeployedArtifact> artifacts = List.of();
    private volatile List<ModelInfo> models = List.of();
    private volatile JsonArray bundles = new JsonArray();
    private volatile JsonObject ready = new JsonObject().put("status", "DOWN").put("checks", new JsonArray());
    private Vertx vertx;

    private PlatformWatcher watcher() {
        events.subscribe(-1, Set.copyOf(ConsoleEvents.KINDS), got::add);
        DeploymentReport report = new DeploymentReport() {
            @Override
            public Path directory() {
                return Path.of("deploy");
            }

            @Override
            public List<DeployedArtifact> artifacts() {
                return artifacts;
            }
        };
        ModelRepository repository = (ModelRepository) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ModelRepository.class}, (p, m, a) -> switch (m.getName()) {
                    case "models" -> models;
                    case "model", "modelOfService" -> Optional.empty();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return new PlatformWatcher(
                Vertx.vertx(),
                null,
                new PlatformWatcher.Sources(
                        () -> services,
                        () -> () -> pipelines,
                        () -> report,
                        () -> repository,
                        () -> bundles,
                        () -> ready),
                events,
                errors);
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private List<JsonObject> of(String kind) {
        List<JsonObject> out = new ArrayList<>();
        got.stream().filter(e -> e.kind().equals(kind)).forEach(e -> out.add(e.data()));
        got.removeIf(e -> e.kind().equals(kind));
        return out;
    }

    private static JsonObject service(String id, String state, long calls, long failures) {
        return new JsonObject()
                .put("id", id)
                .put("kind", "text")
                .put("version", "1.0.0")
                .put("state", state)
                .put("node", "local")
                .put("calls", calls)
                .put("failures", failures)
                .put("inFlight", 0);
    }

    @Test
    void servicesAreRegisteredChangedAndUnregisteredAndTheirFailuresAreErrors() {
        PlatformWatcher w = watcher();
        services = new JsonArray().add(service("shout", "available", 0, 0));
        w.poll();
        List<JsonObject> first = of("service");
        assertThat(first).hasSize(1);
        assertThat(first.get(0).getString("change")).isEqualTo("registered");
        assertThat(first.get(0).getJsonObject("service").getString("id")).isEqualTo("shout");
        // counters move on every call: not a change of the service
        services = new JsonArray().add(service("shout", "available", 40, 0));
        w.poll();
        assertThat(of("service")).isEmpty();
        services = new JsonArray().add(service("shout", "overloaded", 45, 2));
        w.poll();
        assertThat(of("service")).extracting(e -> e.getString("change")).containsExactly("changed");
        JsonObject error = errors.list(10).getJsonArray("errors").getJsonObject(0);
        assertThat(error.getString("source")).isEqualTo("service:shout");
        assertThat(error.getString("message")).startsWith("2 more failed calls (2 in all)");
        // the bus keeps the entry of an unregistered service, swapping, then gone
        services = new JsonArray().add(service("shout", "swapping", 45, 2));
        w.poll();
        assertThat(of("service")).extracting(e -> e.getString("change")).containsExactly("changed");
        services = new JsonArray().add(service("shout", "gone", 45, 2));
        w.poll();
        assertThat(of("service")).extracting(e -> e.getString("change")).containsExactly("unregistered");
        services = new JsonArray().add(service("shout", "available", 0, 0));
        w.poll();
        assertThat(of("service")).extracting(e -> e.getString("change")).containsExactly("registered");
        services = new JsonArray();
        w.poll();
        assertThat(of("service")).extracting(e -> e.getString("change")).containsExactly("unregistered");
        services = new JsonArray().add(service("echo", "gone", 0, 0));
        w.poll();
        services = new JsonArray();
        w.poll();
        assertThat(of("service")).extracting(e -> e.getString("change")).containsExactly("unregistered", "removed");
        assertThat(errors.list(10).getLong("total")).isEqualTo(1);
    }

    @Test
    void aPipelineThatTurnsInvalidIsAChangeAndEachNewErrorIsRecordedOnce() {
        PlatformWatcher w = watcher();
        pipelines = List.of(new PipelineInfo("zero-shot", "pipelines/zero-shot.yaml", "serving", List.of(), List.of()));
        w.poll();
        assertThat(of("pipeline")).extracting(e -> e.getString("change")).containsExactly("added");
        String err = "pipelines/zero-shot.yaml:12: stages.classify.call: names 'clip'; did you mean 'clip-tiny'?";
        pipelines =
                List.of(new PipelineInfo("zero-shot", "pipelines/zero-shot.yaml", "invalid", List.of(err), List.of()));
        w.poll();
        w.poll();
        List<JsonObject> changes = of("pipeline");
        assertThat(changes).hasSize(1);
        JsonObject p = changes.get(0).getJsonObject("pipeline");
        assertThat(p.getString("state")).isEqualTo("invalid");
        assertThat(p.getJsonArray("problems").getJsonObject(0).getInteger("line"))
                .isEqualTo(12);
        JsonArray recorded = errors.list(10).getJsonArray("errors");
        assertThat(recorded).hasSize(1);
        assertThat(recorded.getJsonObject(0).getString("source")).isEqualTo("pipeline:zero-shot");
        assertThat(recorded.getJsonObject(0).getString("message")).isEqualTo(err);
        pipelines = List.of();
        w.poll();
        assertThat(of("pipeline")).extracting(e -> e.getString("change")).containsExactly("removed");
    }

    @Test
    void aBundleUnresolvedForAMomentIsNoError() {
        PlatformWatcher w = watcher();
        bundles = new JsonArray()
                .add(new JsonObject()
                        .put("id", 7)
                        .put("symbolicName", "dev.stoa.y")
                        .put("state", "INSTALLED")
                        .put("problem", "not resolved: a package it imports is missing"));
        for (int i = 0; i < 4 * (PlatformWatcher.PROBLEM_POLLS - 1); i++) {
            w.poll(); // the framework is still starting: seen in fewer polls than it takes to count
        }
        bundles = new JsonArray()
                .add(new JsonObject()
                        .put("id", 7)
                        .put("symbolicName", "dev.stoa.y")
                        .put("state", "ACTIVE"));
        for (int i = 0; i < 4 * PlatformWatcher.PROBLEM_POLLS; i++) {
            w.poll();
        }
        assertThat(errors.list(10).getJsonArray("errors")).isEmpty();
    }

    @Test
    void deployVerdictsAreEventsAndAFileThatDoesNotRunIsAnError() {
        PlatformWatcher w = watcher();
        artifacts = List.of(new DeployedArtifact(
                "broken.jar", "file:/x/broken.jar", 60, DeployedArtifact.Status.UNRESOLVED, "missing package a.b", 1));
        bundles = new JsonArray()
                .add(new JsonObject()
                        .put("id", 60)
                        .put("file", "broken.jar")
                        .put("state", "INSTALLED")
                        .put("problem", "missing package a.b"))
                .add(new JsonObject()
                        .put("id", 61)
                        .put("symbolicName", "dev.stoa.x")
                        .put("state", "ACTIVE")
                        .put("problem", "component x failed to activate: boom"));
        w.poll();
        JsonObject deploy = of("deploy").get(0);
        assertThat(deploy.getString("change")).isEqualTo("added");
        assertThat(deploy.getString("status")).isEqualTo("UNRESOLVED");
        assertThat(deploy.getLong("bundleId")).isEqualTo(60);
        // a bundle's problem is listed once it has lasted PROBLEM_POLLS bundle polls (every fourth poll)
        for (int i = 1; i < 4 * (PlatformWatcher.PROBLEM_POLLS - 1) + 1; i++) {
            w.poll();
        }
        JsonArray recorded = errors.list(10).getJsonArray("errors");
        // the deploy verdict once (not again as the bundle's problem), and the failed component
        assertThat(recorded)
                .extracting(e -> ((JsonObject) e).getString("source"))
                .containsExactlyInAnyOrder("bundle:broken.jar", "bundle:dev.stoa.x");
        artifacts = List.of();
        w.poll();
        assertThat(of("deploy")).extracting(e -> e.getString("change")).containsExactly("removed");
    }

    @Test
    void modelStateChangesAreEventsAndProgressIsNot() {
        PlatformWatcher w = watcher();
        models = List.of(model(ModelStatus.untrained("clip-tiny", "etc/train/clip-shapes.yaml")));
        w.poll();
        assertThat(of("model")).extracting(e -> e.getString("change")).containsExactly("added");
        models = List.of(model(ModelStatus.failed("cannot open the weights")));
        w.poll();
        List<JsonObject> changed = of("model");
        assertThat(changed).hasSize(1);
        assertThat(changed.get(0).getJsonObject("model").getJsonObject("status").getString("state"))
                .isEqualTo("FAILED");
        assertThat(changed.get(0).getJsonObject("model").containsKey("_signature"))
                .isFalse();
        assertThat(errors.list(10).getJsonArray("errors").getJsonObject(0).getString("source"))
                .isEqualTo("model:clip-tiny");
        w.poll();
        assertThat(of("model")).isEmpty();
    }

    private static ModelInfo model(ModelStatus status) {
        return new ModelInfo(
                "clip-tiny",
                status,
                VersionPolicy.parse("latest"),
                List.of(new ModelVersionInfo(1, status, false, List.of())),
                List.of("clip-tiny-zero-shot"),
                "dev.stoa.models.clip");
    }

    @Test
    void readinessIsAnEventWhenItsStatusOrChecksChange() {
        PlatformWatcher w = watcher();
        w.poll();
        assertThat(of("readiness")).extracting(e -> e.getString("status")).containsExactly("DOWN");
        w.poll();
        assertThat(of("readiness")).isEmpty();
        ready = new JsonObject().put("status", "UP").put("checks", new JsonArray());
        w.poll();
        assertThat(of("readiness")).extracting(e -> e.getString("status")).containsExactly("UP");
    }

    @Test
    void trainingProgressIsAnEventAndAFailureAnErrorOnce() {
        PlatformWatcher w = watcher();
        w.training(new JsonObject().put("id", "r1").put("state", "running").put("step", 10));
        w.training(new JsonObject().put("id", "r1").put("state", "failed").put("message", "out of memory"));
        w.training(new JsonObject().put("id", "r1").put("state", "failed").put("message", "out of memory"));
        assertThat(of("training")).extracting(e -> e.getString("state")).containsExactly("running", "failed", "failed");
        JsonObject all = errors.list(10);
        assertThat(all.getLong("total")).isEqualTo(1);
        assertThat(all.getJsonArray("errors").getJsonObject(0).getString("message"))
                .isEqualTo("failed: out of memory");
    }

    @Test
    void trainingProgressArrivesFromTheBusOnceStarted() throws Exception {
        PlatformWatcher w = watcher();
        vertx = Vertx.vertx();
        PlatformWatcher started = new PlatformWatcher(
                        vertx,
                        null,
                        new PlatformWatcher.Sources(
                                () -> null, () -> null, () -> null, () -> null, () -> null, () -> null),
                        events,
                        errors)
                .start(50);
        vertx.eventBus()
                .publish(
                        TrainingService.PROGRESS_ADDRESS,
                        new JsonObject().put("id", "r2").put("state", "running").put("step", 20));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.stream().noneMatch(e -> e.kind().equals("training")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        started.close();
        w.close();
        assertThat(of("training")).extracting(e -> e.getLong("step")).containsExactly(20L);
    }

    @Test
    void bundleEventTypesHaveTheirOsgiNames() {
        assertThat(PlatformWatcher.change(org.osgi.framework.BundleEvent.STARTED))
                .isEqualTo("STARTED");
        assertThat(PlatformWatcher.change(org.osgi.framework.BundleEvent.UNINSTALLED))
                .isEqualTo("UNINSTALLED");
        assertThat(Map.of()).isEmpty();
    }

    @SuppressWarnings("unused")
    private static OptionalInt unused() {
        return OptionalInt.empty();
    }
}
