package dev.stoa.vertx.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.Json;
import io.vertx.core.spi.cluster.ClusterManager;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Hashtable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Creates the platform's one {@link Vertx}, registers {@link LocalCodecs} on its event bus and publishes it as an
 * OSGi service of type {@link Vertx}; closes it again on deactivation. With {@code clustered=true} the instance
 * joins a Hazelcast cluster of Stoa nodes ({@link HazelcastCluster}, the {@code cluster.*} entries) before it is
 * published, so every consumer sees a clustered event bus from the start.
 *
 * <p>The instance is registered by hand rather than as the component's own service because a DS service object
 * must be the component instance, and this class is not a {@code Vertx}. A configuration change (PID
 * {@value #PID}) has no {@code @Modified} method, so DS deactivates and reactivates the component: the old
 * {@code Vertx} is unregistered and closed, a new one is published, and consumers bound to it are rebound.
 */
@Component(
        service = {},
        immediate = true,
        configurationPid = VertxComponent.PID)
@Designate(ocd = VertxComponent.Config.class)
public final class VertxComponent {

    /** The configuration PID, e.g. {@code etc/dev.stoa.vertx.cfg}. */
    public static final String PID = "dev.stoa.vertx";

    /** How long deactivation waits for Vert.x to close before giving up and leaving it to finish alone. */
    static final long CLOSE_TIMEOUT_SECONDS = 30;

    private static final Logger LOG = System.getLogger(VertxComponent.class.getName());

    /** The Vert.x settings Stoa exposes; the rest keep Vert.x's defaults. */
    @ObjectClassDefinition(name = "Stoa Vert.x", description = "The Vert.x instance every Stoa bundle shares")
    public @interface Config {

        @AttributeDefinition(description = "Threads for blocking work such as model inference")
        int workerPoolSize() default 16;

        @AttributeDefinition(description = "Event-loop threads; I/O only, so a few are enough")
        int eventLoopPoolSize() default 2;

        @AttributeDefinition(
                description = "Seconds a worker task may run before Vert.x logs it as blocked; "
                        + "inference on large inputs takes minutes")
        long maxWorkerExecuteTime() default 300;

        @AttributeDefinition(description = "Milliseconds between checks for blocked threads")
        long blockedThreadCheckInterval() default 1000;

        @AttributeDefinition(
                description = "Join a Vert.x cluster of Stoa nodes through Hazelcast (the cluster.*"
                        + " entries); services of every node become callable from every node")
        boolean clustered() default false;

        @AttributeDefinition(name = "cluster.name", description = "Nodes join only a cluster of the same name")
        String cluster_name() default "stoa";

        @AttributeDefinition(
                name = "cluster.host",
                description =
                        "Address this node binds and announces to the" + " others, for Hazelcast and the event bus")
        String cluster_host() default "127.0.0.1";

        @AttributeDefinition(name = "cluster.port", description = "Hazelcast's member port on cluster.host")
        int cluster_port() default 5701;

        @AttributeDefinition(
                name = "cluster.members",
                description = "host:port of the members to contact when"
                        + " joining, comma-separated (TCP-IP discovery; no multicast)")
        String[] cluster_members() default {"127.0.0.1:5701"};

        @AttributeDefinition(
                name = "cluster.eventBusPort",
                description = "Port of the clustered event bus; 0 picks" + " a free one")
        int cluster_eventBusPort() default 0;

        @AttributeDefinition(name = "cluster.joinTimeoutMs", description = "Longest the node waits to join, in ms")
        long cluster_joinTimeoutMs() default 60_000;
    }

    private final Vertx vertx;
    private final ServiceRegistration<Vertx> registration;

    /**
     * Creates and publishes the Vert.x instance.
     *
     * @param context this bundle's context, to register the service
     * @param config the configuration of PID {@value #PID}
     * @throws StoaException {@link FailureCode#BAD_CONFIG} for an invalid or unsupported configuration
     */
    @Activate
    public VertxComponent(BundleContext context, Config config) {
        VertxOptions options = options(config);
        Vertx created = config.clustered() ? createClustered(options, ClusterSettings.of(config)) : create(options);
        try {
            LocalCodecs.registerAll(created);
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(Constants.SERVICE_DESCRIPTION, "Stoa's shared Vert.x instance");
            this.registration = context.registerService(Vertx.class, created, properties);
        } catch (RuntimeException | Error e) {
            // DS never deactivates a component whose activation failed: without this the event-loop and worker
            // threads of the half-made instance would outlive the component
            close(created);
            throw e;
        }
        this.vertx = created;
        LOG.log(
                Level.INFO,
                "Vert.x started: {0} event-loop and {1} worker threads{2}",
                config.eventLoopPoolSize(),
                config.workerPoolSize(),
                config.clustered()
                        ? ", node " + ((VertxInternal) created).clusterManager().getNodeId() + " of cluster '"
                                + config.cluster_name() + "'"
                        : "");
    }

    /** Unpublishes and closes the Vert.x instance, waiting at most {@value #CLOSE_TIMEOUT_SECONDS} seconds. */
    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
        close(vertx);
    }

    /**
     * Maps the configuration onto Vert.x options.
     *
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the entry at fault
     */
    static VertxOptions options(Config config) {
        requirePositive("workerPoolSize", config.workerPoolSize());
        requirePositive("eventLoopPoolSize", config.eventLoopPoolSize());
        requirePositive("maxWorkerExecuteTime", config.maxWorkerExecuteTime());
        requirePositive("blockedThreadCheckInterval", config.blockedThreadCheckInterval());
        return new VertxOptions()
                .setWorkerPoolSize(config.workerPoolSize())
                .setEventLoopPoolSize(config.eventLoopPoolSize())
                .setMaxWorkerExecuteTime(config.maxWorkerExecuteTime())
                .setMaxWorkerExecuteTimeUnit(TimeUnit.SECONDS)
                .setBlockedThreadCheckInterval(config.blockedThreadCheckInterval())
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS);
    }

    /**
     * Builds a Vert.x instance with this bundle as the thread context class loader.
     *
     * <p>Vert.x finds its SPIs ({@code JsonFactory}, {@code VertxServiceProvider}, {@code VerticleFactory}) with
     * {@link java.util.ServiceLoader} through the context class loader first, and contexts remember the creating
     * thread's loader. Inside OSGi that loader belongs to whoever happens to activate the component (the
     * launcher, File Install): a stray {@code META-INF/services} entry visible there would win, or fail with a
     * class-cast, and the JSON codec is chosen once for the life of this bundle.
     */
    static Vertx create(VertxOptions options) {
        return withBundleLoader(() -> Vertx.builder().with(options).build());
    }

    private static <T> T withBundleLoader(Supplier<T> build) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(VertxComponent.class.getClassLoader());
        try {
            // touching Json.CODEC picks the JSON codec now, under this bundle's loader, rather than on first use
            LOG.log(Level.DEBUG, "Vert.x JSON codec: {0}", Json.CODEC.getClass().getName());
            return build.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Builds a clustered Vert.x: joins the Hazelcast cluster that {@code settings} describe and waits for the join.
     *
     * @throws StoaException {@link FailureCode#BAD_CONFIG} when the Hazelcast bundle is missing,
     *         {@link FailureCode#UNAVAILABLE} when the node cannot join in time
     */
    static Vertx createClustered(VertxOptions options, ClusterSettings settings) {
        options.getEventBusOptions()
                .setHost(settings.host())
                .setPort(settings.eventBusPort())
                .setClusterPublicHost(settings.host());
        ClusterManager manager;
        try {
            manager = HazelcastCluster.manager(settings, VertxComponent.class.getClassLoader());
        } catch (NoClassDefFoundError e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    PID + ": 'clustered' is true, but the Hazelcast bundle"
                            + " (com.hazelcast, in system/) is not installed (" + e.getMessage()
                            + "); put it back, or set"
                            + " clustered=false in etc/" + PID + ".cfg");
        }
        long started = System.nanoTime();
        Future<Vertx> joining = withBundleLoader(
                () -> Vertx.builder().with(options).withClusterManager(manager).buildClustered());
        try {
            Vertx vertx = joining.toCompletionStage()
                    .toCompletableFuture()
                    .get(settings.joinTimeoutMs(), TimeUnit.MILLISECONDS);
            LOG.log(
                    Level.INFO,
                    () -> "Joined cluster '" + settings.name() + "' as " + settings.host() + ":"
                            + settings.port() + " in " + (System.nanoTime() - started) / 1_000_000
                            + " ms; members now: "
                            + manager.getNodes().size());
            return vertx;
        } catch (TimeoutException | ExecutionException e) {
            // a join that completes after we gave up must not leave a node in the cluster
            joining.onSuccess(VertxComponent::close);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    PID + ": could not join cluster '" + settings.name()
                            + "' as " + settings.host() + ":" + settings.port() + " within " + settings.joinTimeoutMs()
                            + " ms (" + cause + "); check that cluster.port is free and cluster.members lists reachable"
                            + " nodes, in etc/" + PID + ".cfg",
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            joining.onSuccess(VertxComponent::close);
            throw new StoaException(FailureCode.UNAVAILABLE, PID + ": interrupted while joining the cluster", e);
        }
    }

    /** Closes {@code vertx}, waiting a bounded time unless called on one of its own threads. */
    static void close(Vertx vertx) {
        if (Context.isOnVertxThread()) {
            // a Vert.x thread waiting for its own instance to close would block the close it waits for
            vertx.close();
            return;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.log(
                    Level.WARNING,
                    "Vert.x did not close within {0} s; its threads may linger for a while",
                    CLOSE_TIMEOUT_SECONDS);
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "Vert.x failed to close cleanly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    PID + ": '" + name + "' is " + value + "; it must be at least 1 (default: see the metatype of "
                            + PID + ")");
        }
    }
}
