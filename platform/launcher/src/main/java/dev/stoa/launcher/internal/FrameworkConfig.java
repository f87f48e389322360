package dev.stoa.launcher.internal;

import dev.stoa.launcher.PropertiesFile;
import dev.stoa.launcher.SystemPackages;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.felix.framework.Felix;
import org.apache.felix.framework.util.FelixConstants;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework properties: {@code etc/config.properties} plus what the launcher decides.
 *
 * <ul>
 *   <li>{@code org.osgi.framework.storage} defaults to {@code data/cache}, cleaned on every boot, so that
 *       {@code system/}, {@code deploy/} and {@code etc/} are the truth and no stale bundle survives a restart;</li>
 *   <li>{@code org.osgi.framework.system.packages.extra} gets every package of the jars in {@code lib/} (DJL, its
 *       engines, slf4j, logback) appended, see {@link SystemPackages};</li>
 *   <li>Felix's own log goes to slf4j ({@link FelixLogger}).</li>
 * </ul>
 */
final class FrameworkConfig {

    static final String CONFIG_FILE = "config.properties";

    private static final Logger LOG = LoggerFactory.getLogger(FrameworkConfig.class);

    private FrameworkConfig() {}

    /**
     * @param home the installation
     * @return properties for {@link Felix#Felix(Map)}; values are strings except the logger object
     * @throws IOException when config.properties or a jar in lib/ cannot be read
     */
    static Map<String, Object> load(StoaHome home) throws IOException {
        Map<String, Object> config = new HashMap<>(
                PropertiesFile.load(home.etc().resolve(CONFIG_FILE), PropertiesFile::systemPropertyOrEnvironment));
        config.putIfAbsent(
                Constants.FRAMEWORK_STORAGE, home.data().resolve("cache").toString());
        config.putIfAbsent(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.merge(
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                libraryPackages(home),
                (fromFile, scanned) -> fromFile + "," + scanned);
        config.put(FelixConstants.LOG_LOGGER_PROP, new FelixLogger());
        return config;
    }

    private static String libraryPackages(StoaHome home) throws IOException {
        long start = System.nanoTime();
        List<Path> jars = libraryJars(home.lib());
        String packages = SystemPackages.forJars(jars);
        LOG.debug(
                "Scanned {} jars in lib/ for system packages in {} ms",
                jars.size(),
                (System.nanoTime() - start) / 1_000_000);
        return packages;
    }

    /** The jars in lib/ except the launcher and the framework: those export nothing bundles should import. */
    private static List<Path> libraryJars(Path lib) throws IOException {
        Set<Path> own = Set.of(jarOf(FrameworkConfig.class), jarOf(Felix.class));
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .map(FrameworkConfig::realPath)
                    .filter(f -> !own.contains(f))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static Path jarOf(Class<?> type) {
        try {
            return realPath(Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the jar of " + type.getName(), e);
        }
    }

    /** Real paths, so that a symlinked installation still recognises its own jars; a dangling link stays as is. */
    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
