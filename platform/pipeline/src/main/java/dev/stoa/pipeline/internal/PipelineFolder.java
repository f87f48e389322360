package dev.stoa.pipeline.internal;

import dev.stoa.api.StoaService;
import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.pipeline.StageKind;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@code etc/pipelines/} live: FileInstall watches the folder and hands each {@code .yaml} file to the
 * {@link PipelineRegistry}; when services come or go (here, or on another node of a cluster), waiting pipelines are
 * checked again. Stage kinds that bundles register as {@link StageKind} services join the built-in ones (a
 * whiteboard): every file is read again when one comes or goes.
 */
@Component(immediate = true, configurationPid = PipelineFolder.PID)
@Designate(ocd = PipelineFolder.Config.class)
public final class PipelineFolder {

    static final String PID = "dev.stoa.pipeline";
    private static final Logger LOG = LoggerFactory.getLogger(PipelineFolder.class);
    /** Services register in bursts (a bundle starting): look again once the burst is over. */
    private static final long RECHECK_DELAY_MS = 200;

    /** Settings of the pipeline folder. */
    @ObjectClassDefinition(name = "Stoa pipelines")
    public @interface Config {
        @AttributeDefinition(description = "Folder of pipeline files; empty means etc/pipelines")
        String dir() default "";

        @AttributeDefinition(description = "A stage's timeout when its file sets none, in ms")
        long defaultTimeoutMs() default 30_000;

        @AttributeDefinition(description = "A stage's bound on concurrent calls when its file sets none")
        int defaultMaxInFlight() default 256;

        @AttributeDefinition(description = "How often the folder is scanned, in ms")
        long pollMs() default 1000;
    }

    private final Vertx vertx;
    private final PipelineRegistry registry;
    private final ServiceRegistration<?> registration;
    private final Configuration watcher;
    private final ServiceListener servicesChanged;
    private final MessageConsumer<Object> remoteChanged;
    private final BundleContext context;
    private final AtomicBoolean recheckPending = new AtomicBoolean();
    private final StageKinds kinds = new StageKinds();

    /** The tracing service while one is registered (tracing on), else {@code null}. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Tracing tracing;

    @Activate
    public PipelineFolder(
            BundleContext context,
            Config config,
            @Reference Vertx vertx,
            @Reference ServiceDirectory services,
            @Reference ConfigurationAdmin configAdmin)
            throws Exception {
        this.context = context;
        this.vertx = vertx;
        String etc = context.getProperty("felix.fileinstall.dir");
        Path dir = !config.dir().isBlank()
                ? Path.of(config.dir())
                : Path.of(etc == null ? "etc" : etc).resolve("pipelines");
        Files.createDirectories(dir);
        registry = new PipelineRegistry(
                context,
                vertx,
                dir,
                dir.getFileName().toString(),
                services,
                config.defaultTimeoutMs(),
                config.defaultMaxInFlight(),
                kinds,
                () -> tracing);
        registration = context.registerService(
                new String[] {
                    ArtifactInstaller.class.getName(), PipelineDirectory.class.getName(), MetricsSource.class.getName()
                },
                registry,
                new Hashtable<>());
        servicesChanged = event -> {
            if (event.getType() != ServiceEvent.MODIFIED) {
                recheckSoon();
            }
        };
        context.addServiceListener(servicesChanged, "(&(objectClass=" + StoaService.class.getName() + ")(stoa.id=*))");
        // services of other cluster nodes come and go without OSGi events: the directory says so on the bus
        remoteChanged = vertx.eventBus().localConsumer(ServiceDirectory.REMOTE_CHANGED_ADDRESS, m -> recheckSoon());
        watcher = configAdmin.getFactoryConfiguration("org.apache.felix.fileinstall", "stoa-pipelines", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", dir.toAbsolutePath().toString());
        props.put("felix.fileinstall.poll", Long.toString(config.pollMs()));
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.filter", ".*\\.ya?ml");
        watcher.update(props);
        LOG.info("Watching {} for pipelines", dir.toAbsolutePath());
    }

    /** A bundle's stage kind: files that use its key load. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStageKind(StageKind kind) {
        if (kinds.add(kind)) {
            LOG.info("Stage kind '{}' added by {}", kind.name(), kind.getClass().getName());
            kindsChanged();
        }
    }

    void removeStageKind(StageKind kind) {
        if (kinds.remove(kind)) {
            LOG.info("Stage kind '{}' removed", kind.name());
            kindsChanged();
        }
    }

    private void kindsChanged() {
        // bound after construction (DS binds dynamic references once the constructor has run), so registry is set
        if (registry != null) {
            registry.kindsChanged();
        }
    }

    private void recheckSoon() {
        if (recheckPending.compareAndSet(false, true)) {
            vertx.setTimer(
                    RECHECK_DELAY_MS,
                    t -> vertx.executeBlocking(() -> {
                        recheckPending.set(false);
                        registry.servicesChanged();
                        return null;
                    }));
        }
    }

    @Deactivate
    void deactivate() {
        context.removeServiceListener(servicesChanged);
        remoteChanged.unregister();
        try {
            watcher.delete();
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Pipeline watcher configuration already gone: {}", e.getMessage());
        }
        registration.unregister();
        registry.close();
        StageRequestCodec.unregister(vertx);
    }
}
