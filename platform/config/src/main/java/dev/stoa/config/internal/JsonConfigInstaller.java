package dev.stoa.config.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code etc/*.json} into ConfigAdmin configurations, created, updated and deleted with the files, the way
 * FileInstall handles {@code .cfg}. A file that does not parse is logged with the reason and changes nothing: the
 * configuration from its last good version stays in force.
 */
@Component(service = ArtifactInstaller.class)
public final class JsonConfigInstaller implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(JsonConfigInstaller.class);
    /** The property in which FileInstall records the .cfg file a configuration came from. */
    private static final String FILEINSTALL_FILE = "felix.fileinstall.filename";
    /** Where a configuration applied by this installer came from, for people reading ConfigAdmin. */
    static final String SOURCE_FILE = "stoa.config.file";

    private final ConfigurationAdmin configAdmin;
    private final Path etc;
    private final Map<String, Configuration> byFile = new ConcurrentHashMap<>();

    @Activate
    public JsonConfigInstaller(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
        String dir = context.getProperty("felix.fileinstall.dir");
        this.etc = dir == null ? null : Path.of(dir).toAbsolutePath().normalize();
    }

    @Override
    public boolean canHandle(File artifact) {
        return etc != null
                && artifact.getName().endsWith(".json")
                && etc.equals(artifact.toPath().toAbsolutePath().normalize().getParent());
    }

    @Override
    public void install(File artifact) throws IOException {
        apply(artifact);
    }

    @Override
    public void update(File artifact) throws IOException {
        apply(artifact);
    }

    @Override
    public void uninstall(File artifact) throws IOException {
        Configuration c = byFile.remove(artifact.getName());
        if (c != null) {
            String pid = c.getPid();
            c.delete();
            LOG.info("Deleted configuration {} (etc/{} was removed)", pid, artifact.getName());
        }
    }

    private void apply(File artifact) throws IOException {
        JsonConfigFile file;
        try {
            file = JsonConfigFile.parse(
                    artifact.getName(), Files.readString(artifact.toPath(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            LOG.error("{}; the previous configuration stays in force", e.getMessage());
            return;
        }
        Configuration c = byFile.get(artifact.getName());
        if (c == null) {
            c = file.name() == null
                    ? configAdmin.getConfiguration(file.pid(), "?")
                    : configAdmin.getFactoryConfiguration(file.pid(), file.name(), "?");
            Object other = c.getProperties() == null ? null : c.getProperties().get(FILEINSTALL_FILE);
            if (other != null) {
                // two files for one PID would overwrite each other at every edit: refuse the newcomer
                LOG.error(
                        "etc/{} configures {}, which {} already configures; keep one of the two files",
                        artifact.getName(),
                        c.getPid(),
                        other);
                return;
            }
        }
        file.properties().put(SOURCE_FILE, artifact.toPath().toUri().toString());
        c.update(file.properties());
        byFile.put(artifact.getName(), c);
        LOG.info("Applied configuration {} from etc/{}", c.getPid(), artifact.getName());
    }
}
