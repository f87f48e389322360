package dev.stoa.vertx.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.Json;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Hashtable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * OSGi service of type {@link Vertx}; closes it again on deactivation.
 *
 * <p>The instance is registered by hand rather than as the component's own service because a DS service object
 * must be the component instance, and this class is not a {@code Vertx}. A configuration change (PID
 * {@value #PID}) has no {@code @Modified} method, so DS deactivates and reactivates the component: the old
 * {@code Vertx} is unregistered and closed, a new one is published, and consumers bound to it are rebound.
 */
@Component(service = {}, immediate = true, configurationPid = VertxComponent.PID)
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

        @AttributeDefinition(description = "Seconds a worker task may run before Vert.x logs it as blocked; "
                + "inference on large inputs takes minutes")
        long maxWorkerExecuteTime() default 300;

        @AttributeDefinition(description = "Milliseconds between checks for blocked threads")
        long blockedThreadCheckInterval() default 1000;

        @AttributeDefinition(description = "Join a Vert.x cluster; needs a ClusterManager extension bundle")
        boolean clustered() default false;
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
        Vertx created = create(options(config));
        try {
            LocalCodecs.registerAll(created);
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(Constants.SERVICE_DESCRIPTION, "Stoa's shared Vert.x instance");
            this.registration = context.registerService(Vertx.class, created, properties);
        } catch (RuntimeException | Error e) {
            // DS never deactivates a component whose activation failed: without this the event-loop and worker
            // threads of the half-made instance would outlive the component (FACTS.md)
            close(created);
            throw e;
        }
        this.vertx = created;
        LOG.log(Level.INFO, "Vert.x started: {0} event-loop and {1} worker threads",
                config.eventLoopPoolSize(), config.workerPoolSize());
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
        if (config.clustered()) {
            throw new StoaException(FailureCode.BAD_CONFIG, PID + ": 'clustered' is true, but clustering needs a "
                    + "ClusterManager extension bundle (e.g. one wrapping vertx-hazelcast), which is not installed; "
                    + "set clustered=false in etc/" + PID + ".cfg");
        }
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
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(VertxComponent.class.getClassLoader());
        try {
            // touching Json.CODEC picks the JSON codec now, under this bundle's loader, rather than on first use
            LOG.log(Level.DEBUG, "Vert.x JSON codec: {0}", Json.CODEC.getClass().getName());
            return Vertx.builder().with(options).build();
        } finally {
            thread.setContextClassLoader(previous);
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
            LOG.log(Level.WARNING, "Vert.x did not close within {0} s; its threads may linger for a while",
                    CLOSE_TIMEOUT_SECONDS);
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "Vert.x failed to close cleanly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new StoaException(FailureCode.BAD_CONFIG, PID + ": '" + name + "' is " + value
                    + "; it must be at least 1 (default: see the metatype of " + PID + ")");
        }
    }
}
