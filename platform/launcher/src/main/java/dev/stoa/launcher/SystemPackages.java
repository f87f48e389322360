package dev.stoa.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Computes the value of {@code org.osgi.framework.system.packages.extra} for libraries that live on the launcher's
 * class path (DJL, its engines, slf4j, logback) so that bundles can import their packages from the system bundle.
 *
 * <p>Every package that holds at least one class is exported, with the version of the jar it came from: the
 * manifest's {@code Bundle-Version}, else its {@code Implementation-Version}, else its {@code Specification-Version}
 * (the only one DJL's jars carry), normalised to an OSGi version ({@code 2.7.1-0.36.0} becomes
 * {@code 2.7.1.0_36_0}); a jar with none of them exports its packages without a version.
 * Classes in the default package, {@code module-info} and anything under {@code META-INF/} (multi-release
 * variants, services) are ignored. When two jars hold the same package, the first one listed wins.
 *
 * <p>Only the zip directory and the manifest are read, so scanning the native-library jars (hundreds of MB) is
 * cheap. The Pax Exam integration tests use this class with the test class path's jars, so both launch paths
 * export the same packages.
 */
public final class SystemPackages {

    /** Leading numeric segments, then anything, as in {@code 1}, {@code 1.2}, {@code 1.2.3-beta.4}. */
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:[.\\-_+]?(.*))?");

    private SystemPackages() {}

    /**
     * Scans jars and returns the packages they contain.
     *
     * @param jars jar files, in priority order; each must exist
     * @return a comma-separated export list, e.g. {@code ai.djl;version=0.36.0,org.slf4j;version=2.0.17},
     *         sorted by package name; empty when the jars hold no classes
     * @throws IOException when a jar cannot be read
     */
    public static String forJars(Collection<Path> jars) throws IOException {
        Map<String, String> versionByPackage = new TreeMap<>();
        for (Path jar : jars) {
            scan(jar, versionByPackage);
        }
        return versionByPackage.entrySet().stream()
                .map(e -> e.getValue().isEmpty() ? e.getKey() : e.getKey() + ";version=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /**
     * Scans the jars named in a class path string, such as {@code java.class.path}. Entries that are not existing
     * {@code .jar} files (class directories, missing files) are skipped.
     *
     * @param classPath entries separated by {@link File#pathSeparator}
     * @return the export list, as {@link #forJars(Collection)} returns it
     * @throws IOException when a jar cannot be read
     */
    public static String forClassPath(String classPath) throws IOException {
        List<Path> jars = Stream.of(classPath.split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> entry.endsWith(".jar"))
                .map(Path::of)
                .filter(Files::isRegularFile)
                .collect(Collectors.toList());
        return forJars(jars);
    }

    private static void scan(Path jar, Map<String, String> versionByPackage) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            String version = version(file.getManifest()).orElse("");
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                packageOf(entries.nextElement().getName()).ifPresent(pkg -> versionByPackage.putIfAbsent(pkg, version));
            }
        } catch (IOException e) {
            throw new IOException("Cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    private static Optional<String> packageOf(String entryName) {
        int slash = entryName.lastIndexOf('/');
        if (!entryName.endsWith(".class")
                || slash < 0
                || entryName.startsWith("META-INF/")
                || entryName.endsWith("/module-info.class")) {
            return Optional.empty();
        }
        return Optional.of(entryName.substring(0, slash).replace('/', '.'));
    }

    private static Optional<String> version(Manifest manifest) {
        if (manifest == null) {
            return Optional.empty();
        }
        Attributes main = manifest.getMainAttributes();
        String raw = Stream.of(
                        main.getValue("Bundle-Version"),
                        main.getValue(Attributes.Name.IMPLEMENTATION_VERSION),
                        main.getValue(Attributes.Name.SPECIFICATION_VERSION))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        return Optional.ofNullable(raw).flatMap(SystemPackages::toOsgiVersion);
    }

    /**
     * Normalises a Maven-style version to {@code major.minor.micro[.qualifier]}; the qualifier keeps letters, digits,
     * {@code _} and {@code -}, anything else becomes {@code _}. A version that does not start with a digit has no
     * OSGi equivalent.
     */
    static Optional<String> toOsgiVersion(String raw) {
        Matcher m = VERSION.matcher(raw.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        StringBuilder version = new StringBuilder()
                .append(Long.parseLong(m.group(1)))
                .append('.')
                .append(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                .append('.')
                .append(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
        String qualifier = m.group(4);
        if (qualifier != null && !qualifier.isEmpty()) {
            version.append('.').append(qualifier.replaceAll("[^A-Za-z0-9_-]", "_"));
        }
        return Optional.of(version.toString());
    }
}
