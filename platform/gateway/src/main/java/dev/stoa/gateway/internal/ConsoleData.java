package dev.stoa.gateway.internal;

import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.train.TrainingService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;

/**
 * What a console needs besides the gateway's lists, mounted on its router in one call:
 * <ul>
 *   <li>{@code GET /v1/events}: server-sent events of everything that changes ({@link EventStream} over
 *       {@link ConsoleEvents}, fed by {@link PlatformWatcher});</li>
 *   <li>{@code GET /v1/trainings/{id}/metrics}: a run's history ({@link TrainingHistory});</li>
 *   <li>{@code GET /v1/metrics/summary}: latency percentiles, calls and errors ({@link LatencySummary});</li>
 *   <li>{@code GET /v1/pipelines/{name}}: a pipeline's source, graph and errors ({@link PipelineGraph});</li>
 *   <li>{@code GET /v1/errors}: the last errors ({@link RecentErrors}), among them every error answer of the
 *       gateway to a request other than a {@code GET}, and every 5xx.</li>
 * </ul>
 * The shapes are documented in the gateway's README.
 */
final class ConsoleData implements AutoCloseable {

    /** Where {@link JsonAnswer} leaves an error body, so that the error route can record it when the answer ends. */
    static final String ERROR_KEY = "stoa.console.error";

    static final int REPLAY = 512;
    static final int MAX_QUEUED = 1024;
    static final long HEARTBEAT_MS = 15_000;
    static final long POLL_MS = 500;
    static final int ERRORS_KEPT = 200;

    private final ConsoleEvents events = new ConsoleEvents(REPLAY);
    private final RecentErrors errors = new RecentErrors(ERRORS_KEPT, events);
    private final PlatformWatcher watcher;
    private final EventStream stream;
    private long pollMs = POLL_MS;

    private ConsoleData(Vertx vertx, BundleContext context, PlatformWatcher.Sources sources, long heartbeatMs) {
        this.watcher = new PlatformWatcher(vertx, context, sources, events, errors);
        this.stream = new EventStream(events, MAX_QUEUED, heartbeatMs);
    }

    /**
     * Mounts the routes; call it after the access guard and before the gateway's other routes, and {@link #start}
     * once the gateway listens.
     *
     * @param router the gateway's router
     * @param vertx the gateway's Vert.x
     * @param context the gateway bundle's context, for bundle events; {@code null} outside OSGi
     * @param sources what the platform watcher reads
     * @param trainer the trainer, or {@code null} while absent
     * @param pipelines the pipelines, or {@code null} while absent
     * @param metrics every metrics source
     * @param home the Stoa home ({@code stoa.home}), whose {@code etc/} holds the pipeline files
     * @return the mounted console data; close it when the gateway stops
     */
    static ConsoleData mount(
            Router router,
            Vertx vertx,
            BundleContext context,
            PlatformWatcher.Sources sources,
            Supplier<TrainingService> trainer,
            Supplier<PipelineDirectory> pipelines,
            Supplier<? extends Iterable<MetricsSource>> metrics,
            String home) {
        return mount(router, vertx, context, sources, trainer, pipelines, metrics, home, HEARTBEAT_MS, POLL_MS);
    }

    static ConsoleData mount(
            Router router,
            Vertx vertx,
            BundleContext context,
            PlatformWatcher.Sources sources,
            Supplier<TrainingService> trainer,
            Supplier<PipelineDirectory> pipelines,
            Supplier<? extends Iterable<MetricsSource>> metrics,
            String home,
            long heartbeatMs,
            long pollMs) {
        ConsoleData data = new ConsoleData(vertx, context, sources, heartbeatMs);
        router.route().handler(data::recordErrorAnswers);
        router.get("/v1/events").handler(data.stream::handle);
        router.get("/v1/errors").handler(data.errors::handle);
        router.get("/v1/metrics/summary").handler(new LatencySummary(metrics)::handle);
        router.get("/v1/trainings/:id/metrics").handler(new TrainingHistory(vertx, trainer)::handle);
        Path etc = Path.of(home == null ? "." : home).resolve("etc");
        router.get("/v1/pipelines/:name").handler(new PipelineGraph(vertx, pipelines, etc)::handle);
        data.pollMs = pollMs;
        return data;
    }

    /**
     * Starts watching the platform; call it once the gateway serves, so that a gateway that fails to start leaves
     * no listener or timer behind.
     *
     * @return this
     */
    ConsoleData start() {
        watcher.start(pollMs);
        return this;
    }

    ConsoleEvents events() {
        return events;
    }

    RecentErrors errors() {
        return errors;
    }

    EventStream stream() {
        return stream;
    }

    /** Records the error answer of a request other than a read, or any 5xx, when the answer has gone. */
    private void recordErrorAnswers(RoutingContext rc) {
        rc.addEndHandler(done -> {
            JsonObject error = rc.get(ERROR_KEY);
            if (error == null) {
                return;
            }
            HttpMethod method = rc.request().method();
            int status = rc.response().getStatusCode();
            boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
            if (read && status < 500) {
                return;
            }
            String code = error.getString("error");
            errors.add(
                    "http",
                    method + " " + rc.request().path() + ": " + status + " " + code + ": "
                            + error.getString("message", ""),
                    code,
                    status);
        });
        rc.next();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
