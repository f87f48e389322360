package dev.stoa.deploy.internal;

import dev.stoa.api.runtime.DeploymentReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the {@code deploy/} folder live: registers the {@link BundleDeployer} and asks FileInstall to watch the
 * folder with it.
 *
 * <p>The watcher's FileInstall configuration is created here, after the deployer is registered, so that FileInstall
 * never sees a jar before the deployer can claim it.
 */
@Component(immediate = true, configurationPid = DeployFolder.PID)
@Designate(ocd = DeployFolder.Config.class)
public final class DeployFolder {

    static final String PID = "dev.stoa.deploy";
    private static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";
    private static final Logger LOG = LoggerFactory.getLogger(DeployFolder.class);

    /** Settings of the deploy folder. */
    @ObjectClassDefinition(name = "Stoa deploy folder")
    public @interface Config {
        @AttributeDefinition(
                description = "Folder watched for bundle jars; empty means the framework property"
                        + " stoa.deploy.dir, else ${stoa.home}/deploy")
        String dir() default "";

        @AttributeDefinition(description = "How often the folder is scanned, in milliseconds")
        long pollMs() default 500;
    }

    private final ServiceRegistration<?> registration;
    private final Configuration watcher;

    @Activate
    public DeployFolder(BundleContext context, Config config, @Reference ConfigurationAdmin configAdmin)
            throws IOException {
        Path dir = resolveDir(context, config);
        Files.createDirectories(dir);
        BundleDeployer deployer = new BundleDeployer(context, dir);
        registration = context.registerService(
                new String[] {ArtifactInstaller.class.getName(), DeploymentReport.class.getName()},
                deployer,
                new Hashtable<>());
        watcher = configAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, "stoa-deploy", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", dir.toString());
        props.put("felix.fileinstall.poll", Long.toString(config.pollMs()));
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.filter", ".*\\.jar");
        watcher.update(props);
        LOG.info("Watching {} for bundles every {} ms", dir, config.pollMs());
    }

    @Deactivate
    void deactivate() {
        try {
            watcher.delete();
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Deploy watcher configuration already gone: {}", e.getMessage());
        }
        registration.unregister();
    }

    private static Path resolveDir(BundleContext context, Config config) {
        if (!config.dir().isBlank()) {
            return Path.of(config.dir()).toAbsolutePath().normalize();
        }
        String prop = context.getProperty("stoa.deploy.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        String home = context.getProperty("stoa.home");
        return Path.of(home == null ? "." : home, "deploy").toAbsolutePath().normalize();
    }
}
