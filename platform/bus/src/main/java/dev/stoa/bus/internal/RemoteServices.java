package dev.stoa.bus.internal;

import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of the other nodes of a Vert.x cluster, for a clustered node's {@link ServiceDirectory}.
 *
 * <p>Every node keeps its own exported services in the cluster-wide map {@value #MAP} (Vert.x shared data, a
 * Hazelcast map underneath), one entry per service keyed {@code <node id> <address>}, and reads the others' entries
 * back, every {@code periodMs}. Entries of a node that is no longer a cluster member are skipped and deleted, so a
 * node that dies drops out of every directory within one period of the cluster noticing; a node that stops cleanly
 * deletes its own. When what the other nodes serve changes, a message goes to
 * {@link ServiceDirectory#REMOTE_CHANGED_ADDRESS} (this node only), so pipelines waiting for a service check again.
 */
final class RemoteServices {

    /** The cluster-wide map of exported services. */
    static final String MAP = "stoa.services";
    /**
     * How often entries are written and read, in ms: a few small map operations per node and period, and the delay
     * after which a service deployed on one node is callable through another's directory.
     */
    static final long PERIOD_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(RemoteServices.class);
    private static final Comparator<ExportedService> BY_ADDRESS_THEN_NODE =
            Comparator.comparing(ExportedService::address).thenComparing(ExportedService::node);

    private final Vertx vertx;
    private final ClusterManager cluster;
    private final String nodeId;
    private final Supplier<List<ExportedService>> local;
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final long timer;
    /** What this node last wrote to the map, by key; touched by one sync at a time. */
    private final Map<String, String> published = new HashMap<>();

    private volatile List<ExportedService> remote = List.of();
    /** What pipelines care about (who serves what, with which types), to tell a change from a counter tick. */
    private Set<String> lastShape = Set.of();

    private RemoteServices(Vertx vertx, ClusterManager cluster, Supplier<List<ExportedService>> local, long periodMs) {
        this.vertx = vertx;
        this.cluster = cluster;
        this.nodeId = cluster.getNodeId();
        this.local = local;
        this.timer = vertx.setPeriodic(1, periodMs, t -> sync());
    }

    /**
     * @param local this node's exported services
     * @return the view of the other nodes' services, or {@code null} when {@code vertx} is not clustered
     */
    static RemoteServices start(Vertx vertx, Supplier<List<ExportedService>> local, long periodMs) {
        if (!vertx.isClustered()) {
            return null;
        }
        return new RemoteServices(vertx, ((VertxInternal) vertx).clusterManager(), local, periodMs);
    }

    /** @return the services of the other live nodes, by address then node */
    List<ExportedService> services() {
        return remote;
    }

    /** Stops syncing and deletes this node's entries, waiting at most a few seconds. */
    void close() {
        vertx.cancelTimer(timer);
        try {
            vertx.sharedData()
                    .<String, String>getAsyncMap(MAP)
                    .compose(map -> Future.all(
                            published.keySet().stream().map(map::remove).toList()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("This node's services stay in the cluster map until the others see it leave: {}", e.toString());
        }
    }

    private void sync() {
        if (!syncing.compareAndSet(false, true)) {
            return;
        }
        vertx.sharedData()
                .<String, String>getAsyncMap(MAP)
                .compose(map -> publish(map).compose(v -> map.entries()).compose(entries -> read(map, entries)))
                .onComplete(ar -> {
                    syncing.set(false);
                    if (ar.failed()) {
                        LOG.warn(
                                "Could not sync the cluster's service directory: {}",
                                ar.cause().toString());
                    }
                });
    }

    /** Writes this node's entries that changed and deletes those it no longer has. */
    private Future<?> publish(AsyncMap<String, String> map) {
        Map<String, String> now = new HashMap<>();
        for (ExportedService s : local.get()) {
            if (!s.remote()) {
                now.put(nodeId + " " + s.address(), toJson(s, nodeId).encode());
            }
        }
        List<Future<?>> writes = new ArrayList<>();
        now.forEach((key, json) -> {
            if (!json.equals(published.get(key))) {
                writes.add(map.put(key, json));
            }
        });
        published.keySet().stream().filter(key -> !now.containsKey(key)).forEach(key -> writes.add(map.remove(key)));
        published.clear();
        published.putAll(now);
        return Future.all(writes);
    }

    /** Keeps the entries of live other nodes, deletes those of nodes that left, and says when the set changed. */
    private Future<?> read(AsyncMap<String, String> map, Map<String, String> entries) {
        Set<String> alive = new HashSet<>(cluster.getNodes());
        List<ExportedService> others = new ArrayList<>();
        List<Future<?>> removals = new ArrayList<>();
        entries.forEach((key, json) -> {
            String node = key.substring(0, Math.max(0, key.indexOf(' ')));
            if (node.equals(nodeId)) {
                return;
            }
            if (!alive.contains(node)) {
                removals.add(map.remove(key));
                return;
            }
            try {
                others.add(fromJson(new JsonObject(json)));
            } catch (RuntimeException e) {
                LOG.warn("Skipping a malformed entry '{}' of the cluster's service map: {}", key, e.toString());
            }
        });
        others.sort(BY_ADDRESS_THEN_NODE);
        remote = List.copyOf(others);
        Set<String> shape = new HashSet<>();
        others.forEach(s ->
                shape.add(s.node() + " " + s.address() + " " + s.state() + " " + s.inputType() + " " + s.outputType()));
        if (!shape.equals(lastShape)) {
            lastShape = shape;
            LOG.info(
                    "Services on other nodes: {}",
                    others.stream().map(s -> s.id() + "@" + s.node()).toList());
            vertx.eventBus()
                    .publish(ServiceDirectory.REMOTE_CHANGED_ADDRESS, null, new DeliveryOptions().setLocalOnly(true));
        }
        return Future.all(removals);
    }

    static JsonObject toJson(ExportedService s, String node) {
        return new JsonObject()
                .put("id", s.id())
                .put("kind", s.kind())
                .put("version", s.version())
                .put("address", s.address())
                .put("inputType", s.inputType())
                .put("outputType", s.outputType())
                .put("bundle", s.bundle())
                .put("bundleId", s.bundleId())
                .put("state", s.state())
                .put("inFlight", s.inFlight())
                .put("calls", s.calls())
                .put("failures", s.failures())
                .put("node", node);
    }

    static ExportedService fromJson(JsonObject o) {
        return new ExportedService(
                o.getString("id"),
                o.getString("kind"),
                o.getString("version"),
                o.getString("address"),
                o.getString("inputType"),
                o.getString("outputType"),
                o.getString("bundle"),
                o.getLong("bundleId", -1L),
                o.getString("state"),
                o.getLong("inFlight", 0L),
                o.getLong("calls", 0L),
                o.getLong("failures", 0L),
                o.getString("node"));
    }
}
