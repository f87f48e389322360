package dev.stoa.launcher.internal;

import dev.stoa.launcher.PropertiesFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the bundles in {@code system/} and gives each its start level from {@code system/startup.properties}
 * ({@code <Bundle-SymbolicName> = <level>}). Keys are symbolic names rather than file names so the file survives
 * version upgrades; a bundle that is not listed gets the framework's {@code felix.startlevel.bundle}.
 *
 * <p>The bundles are only marked for starting here; the framework starts them level by level when it raises its
 * start level to {@code org.osgi.framework.startlevel.beginning}, and stops them in reverse order on shutdown.
 */
final class SystemBundles {

    static final String STARTUP_FILE = "startup.properties";

    private static final Logger LOG = LoggerFactory.getLogger(SystemBundles.class);

    private SystemBundles() {}

    /**
     * Installs every jar; one that is not a valid bundle is logged and skipped, so the others still boot.
     *
     * @param context the system bundle's context, framework initialised but not started
     * @param dir the {@code system/} folder
     * @throws IOException when the folder or startup.properties cannot be read
     */
    static void install(BundleContext context, Path dir) throws IOException {
        Map<String, Integer> levels = startLevels(dir.resolve(STARTUP_FILE));
        for (Path jar : jars(dir)) {
            try {
                // reference: makes Felix read the jar in place instead of copying it into the cache at every boot
                Bundle bundle = context.installBundle("reference:" + jar.toUri());
                if (bundle.getSymbolicName() == null) {
                    // Felix would run it as a legacy R3 bundle that exports nothing
                    bundle.uninstall();
                    LOG.error(
                            "{} is not an OSGi bundle (no Bundle-SymbolicName): libraries go in lib/",
                            jar.getFileName());
                    continue;
                }
                Integer level = levels.get(bundle.getSymbolicName());
                if (level != null) {
                    bundle.adapt(BundleStartLevel.class).setStartLevel(level);
                }
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start();
                }
            } catch (BundleException e) {
                LOG.error("Cannot install {}: {}", jar.getFileName(), FelixLogger.reason(e));
            }
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static Map<String, Integer> startLevels(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        return PropertiesFile.load(file, PropertiesFile::systemPropertyOrEnvironment).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> parseLevel(file, e.getKey(), e.getValue())));
    }

    private static int parseLevel(Path file, String bundle, String value) {
        try {
            int level = Integer.parseInt(value.trim());
            if (level > 0) {
                return level;
            }
        } catch (NumberFormatException e) {
            // reported below, with the file and the bundle
        }
        throw new IllegalArgumentException(
                file + ": start level of " + bundle + " must be a positive integer, not '" + value + "'");
    }
}
