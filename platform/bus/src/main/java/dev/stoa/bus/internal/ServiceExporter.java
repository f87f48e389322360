package dev.stoa.bus.internal;

import dev.stoa.api.ServiceKind;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.metrics.PrometheusText;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.RefusedExport;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.tracing.Tracing;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whiteboard exporter: every {@link StoaService} registered with {@link ServiceProperties#ID} becomes callable at
 * {@code stoa.<kind>.<id>} on the event bus, for as long as it is registered.
 *
 * <p>It is also the {@link ServiceCaller}: Java code of this JVM that may block calls a service of this node on its own
 * thread, through the same endpoint, without the event bus's thread hand-offs.
 *
 * <p>Hot swap: when a registration goes away, the exporter takes the instance out of rotation and blocks the
 * unregistering thread until the instance's in-flight calls have finished (bounded by
 * {@link BusConfig#drainTimeoutMs()}). OSGi keeps the old instance active until then, so in-flight calls finish on
 * it; new calls wait in the {@link Endpoint} for the replacement.
 *
 * <p>On a clustered Vert.x the directory also lists the other nodes' services ({@link RemoteServices}); calls to
 * their addresses reach them over the clustered event bus.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.bus",
        service = {ServiceDirectory.class, ServiceCaller.class, MetricsSource.class})
@Designate(ocd = BusConfig.class)
public final class ServiceExporter implements ServiceDirectory, ServiceCaller, MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceExporter.class);

    private final BundleContext context;
    private final Vertx vertx;
    private final BusConfig config;
    private final Map<String, BatchSettings> batching;
    private final Map<String, Integer> maxInFlight;
    /** This node's calls by cancel token, and the consumer of cancel messages. */
    private final CancelRegistry cancels;

    private final Map<String, Endpoint> endpoints = new TreeMap<>();
    private final ServiceTracker<StoaService<Object, Object>, Tracked> tracker;
    private final BundleListener uninstalls = this::bundleChanged;
    /** The other nodes' services when Vert.x is clustered, else {@code null}. */
    private final RemoteServices remote;
    /** Calls from threads of this JVM that may block: on the caller's thread when the service is this node's. */
    private final InProcessCaller caller;

    /** The tracing service while one is registered (tracing on), else {@code null}: each endpoint reads it per call. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Tracing tracing;

    /** Registrations not exported because another kind has their id, in the order they came. */
    private final List<RefusedExport> refused = new CopyOnWriteArrayList<>();

    /**
     * What the tracker remembers per registration: the instance and the endpoint it serves, or why it was refused
     * (then both are {@code null}).
     */
    private record Tracked(Provider provider, Endpoint endpoint, RefusedExport refusal) {}

    @Activate
    public ServiceExporter(
            BundleContext context, @Reference Vertx vertx, BusConfig config, Map<String, Object> properties)
            throws InvalidSyntaxException {
        this.context = context;
        this.vertx = vertx;
        this.config = config;
        List<String> problems = new ArrayList<>();
        this.batching = BatchSettings.parse(properties, problems);
        this.maxInFlight = InFlightLimit.parse(properties, problems);
        this.cancels = new CancelRegistry(vertx);
        this.caller = new InProcessCaller(vertx, this::remoteServices);
        // a typo in one service's entries must not stop the bus: that entry is skipped, and said so
        problems.forEach(p -> LOG.error("{}; that entry is ignored", p));
        String filter = "(&(objectClass=" + StoaService.class.getName() + ")(" + ServiceProperties.ID + "=*))";
        this.tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), new Customizer());
        context.addBundleListener(uninstalls);
        tracker.open(true);
        this.remote = RemoteServices.start(vertx, this::localServices, RemoteServices.PERIOD_MS);
    }

    @Deactivate
    void deactivate() {
        if (remote != null) {
            remote.close();
        }
        context.removeBundleListener(uninstalls);
        tracker.close();
        synchronized (endpoints) {
            endpoints.values().forEach(Endpoint::close);
            endpoints.clear();
        }
        cancels.close();
    }

    @Override
    public List<ExportedService> services() {
        if (remote == null) {
            return localServices();
        }
        List<ExportedService> all = new java.util.ArrayList<>(localServices());
        all.addAll(remote.services());
        return all;
    }

    @Override
    public List<RefusedExport> refused() {
        return List.copyOf(refused);
    }

    @Override
    public <O> O call(String id, Object input, Class<O> outputType) {
        return caller.call(id, input, outputType);
    }

    private List<ExportedService> remoteServices() {
        return remote == null ? List.of() : remote.services();
    }

    private List<ExportedService> localServices() {
        synchronized (endpoints) {
            return endpoints.values().stream().map(Endpoint::describe).toList();
        }
    }

    @Override
    public void writeTo(PrometheusText out) {
        List<Endpoint> all;
        synchronized (endpoints) {
            all = List.copyOf(endpoints.values());
        }
        // the text format wants each family's samples together, so one pass per family
        out.describe("stoa_service_calls_total", "counter", "Calls answered by a service on the event bus, by outcome");
        for (Endpoint e : all) {
            ExportedService d = e.describe();
            out.sample("stoa_service_calls_total", d.calls(), "id", d.id(), "kind", d.kind(), "outcome", "ok");
            out.sample("stoa_service_calls_total", d.failures(), "id", d.id(), "kind", d.kind(), "outcome", "failed");
        }
        out.describe("stoa_service_in_flight", "gauge", "Calls running in a service now");
        for (Endpoint e : all) {
            out.sample("stoa_service_in_flight", e.describe().inFlight(), "id", e.id, "kind", e.kind);
        }
        out.describe(
                "stoa_service_overloaded_total",
                "counter",
                "Calls refused at once because the service had maxInFlight calls in flight (OVERLOADED)");
        for (Endpoint e : all) {
            out.sample("stoa_service_overloaded_total", e.metrics().overloadedCount(), "id", e.id, "kind", e.kind);
        }
        out.describe("stoa_service_cancelled_total", "counter", "Calls cancelled because their caller went away");
        for (Endpoint e : all) {
            out.sample("stoa_service_cancelled_total", e.metrics().cancelledCount(), "id", e.id, "kind", e.kind);
        }
        out.describe(
                "stoa_service_not_started_total",
                "counter",
                "Calls dropped without running because their caller had given up (deadline passed, or cancelled)"
                        + " while they waited");
        for (Endpoint e : all) {
            out.sample("stoa_service_not_started_total", e.metrics().notStartedCount(), "id", e.id, "kind", e.kind);
        }
        out.describe("stoa_service_latency_seconds", "histogram", "Time a service took to answer a call");
        for (Endpoint e : all) {
            e.latency().writeTo(out, "stoa_service_latency_seconds", "id", e.id, "kind", e.kind);
        }
        List<Endpoint> batched =
                all.stream().filter(e -> e.batchMetrics() != null).toList();
        if (batched.isEmpty()) {
            return;
        }
        out.describe("stoa_service_queued", "gauge", "Calls queued for a batching service, not yet running");
        for (Endpoint e : batched) {
            out.sample("stoa_service_queued", e.queued(), "id", e.id, "kind", e.kind);
        }
        out.describe("stoa_service_batch_size", "histogram", "Calls handed to a batching service in one batch");
        for (Endpoint e : batched) {
            e.batchMetrics().batchSize().writeTo(out, "stoa_service_batch_size", "id", e.id, "kind", e.kind);
        }
        out.describe(
                "stoa_service_queue_delay_seconds",
                "histogram",
                "Time a call waited in a batching service's queue before its batch started");
        for (Endpoint e : batched) {
            e.batchMetrics().queueDelay().writeTo(out, "stoa_service_queue_delay_seconds", "id", e.id, "kind", e.kind);
        }
    }

    private void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.UNINSTALLED) {
            return;
        }
        List<Endpoint> all;
        synchronized (endpoints) {
            all = List.copyOf(endpoints.values());
        }
        all.forEach(e -> e.bundleUninstalled(event.getBundle().getBundleId()));
    }

    /**
     * The endpoint for a registration, created on first use; or {@code null} when another kind has the id.
     *
     * <p>Ids are unique across kinds: pipeline and training files, {@link ServiceCaller} and the gateway's
     * {@code /v1/services/{id}} name a service by id alone, so the first kind to export an id keeps it while it is
     * served or swapping. An endpoint whose bundle is gone gives the id up: a new kind may take it then.
     */
    private Endpoint endpointFor(String kind, String id) {
        synchronized (endpoints) {
            Endpoint other = endpoints.values().stream()
                    .filter(e -> e.id.equals(id) && !e.kind.equals(kind))
                    .findFirst()
                    .orElse(null);
            if (other != null) {
                if (!"gone".equals(other.describe().state())) {
                    return null;
                }
                endpoints.remove(other.address);
                caller.remove(other);
                other.close();
                LOG.info("Service '{}' at {} is gone; its id now goes to a {}", id, other.address, kind);
            }
            return endpoints.computeIfAbsent(ServiceProperties.address(kind, id), a -> {
                Endpoint e = new Endpoint(
                        vertx, config, kind, id, batching.get(id), () -> tracing, maxInFlight.get(id), cancels);
                e.open();
                caller.add(e);
                LOG.info("Exported service '{}' at {}", id, a);
                return e;
            });
        }
    }

    private RefusedExport refuse(ServiceReference<?> reference, String kind, String id) {
        ExportedService holder;
        synchronized (endpoints) {
            holder = endpoints.values().stream()
                    .filter(e -> e.id.equals(id))
                    .findFirst()
                    .map(Endpoint::describe)
                    .orElse(null);
        }
        String bundle =
                reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName();
        long bundleId =
                reference.getBundle() == null ? -1 : reference.getBundle().getBundleId();
        String reason = "the " + kind + " '" + id + "' of bundle " + bundle + " is not exported: id '" + id
                + "' is already the " + (holder == null ? "?" : holder.kind()) + " of bundle "
                + (holder == null ? "?" : holder.bundle()) + " (at " + (holder == null ? "?" : holder.address())
                + "), and ids are unique across kinds because pipelines, training files and ServiceCaller name"
                + " services by id alone; rename one of them (its stoa.id, or the pipeline file) and restart its"
                + " bundle";
        return new RefusedExport(id, kind, bundle, bundleId, reason);
    }

    private final class Customizer implements ServiceTrackerCustomizer<StoaService<Object, Object>, Tracked> {

        @Override
        public Tracked addingService(ServiceReference<StoaService<Object, Object>> reference) {
            String id;
            ServiceKind kind;
            try {
                id = ServiceProperties.requireValidId(reference.getProperty(ServiceProperties.ID));
                kind = ServiceKind.parse(reference.getProperty(ServiceProperties.KIND));
            } catch (StoaException e) {
                LOG.error(
                        "Not exporting a service of bundle {}: {}",
                        reference.getBundle().getSymbolicName(),
                        e.getMessage());
                return null;
            }
            StoaService<Object, Object> service = context.getService(reference);
            if (service == null) {
                LOG.error(
                        "Service '{}' of bundle {} could not be obtained (its component failed to activate?)",
                        id,
                        reference.getBundle().getSymbolicName());
                return null;
            }
            Endpoint endpoint = endpointFor(kind.id(), id);
            if (endpoint == null) {
                context.ungetService(reference);
                RefusedExport refusal = refuse(reference, kind.id(), id);
                LOG.error("Refused to export a service: {}", refusal.reason());
                refused.add(refusal);
                return new Tracked(null, null, refusal);
            }
            Provider provider = new Provider(reference, service);
            endpoint.add(provider);
            return new Tracked(provider, endpoint, null);
        }

        @Override
        public void modifiedService(ServiceReference<StoaService<Object, Object>> reference, Tracked tracked) {
            if (tracked.refusal != null) {
                return;
            }
            Object id = reference.getProperty(ServiceProperties.ID);
            String kind = ServiceKind.parse(reference.getProperty(ServiceProperties.KIND))
                    .id();
            if (!tracked.endpoint.id.equals(id) || !tracked.endpoint.kind.equals(kind)) {
                LOG.warn(
                        "Service '{}' changed its id or kind; re-register it instead: it stays at {}",
                        tracked.endpoint.id,
                        tracked.endpoint.address);
            }
        }

        @Override
        public void removedService(ServiceReference<StoaService<Object, Object>> reference, Tracked tracked) {
            if (tracked.refusal != null) {
                refused.remove(tracked.refusal);
                return;
            }
            tracked.endpoint.remove(tracked.provider);
            long started = System.nanoTime();
            try {
                int left = tracked.provider.drain(config.drainTimeoutMs());
                long ms = (System.nanoTime() - started) / 1_000_000;
                if (left > 0) {
                    LOG.warn(
                            "Service '{}' unregistered with {} calls still running after {} ms",
                            tracked.endpoint.id,
                            left,
                            ms);
                } else if (ms > 0) {
                    LOG.info("Service '{}' drained in {} ms", tracked.endpoint.id, ms);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                context.ungetService(reference);
            }
        }
    }
}
