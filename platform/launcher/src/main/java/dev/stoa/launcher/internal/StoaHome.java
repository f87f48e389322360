package dev.stoa.launcher.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The installation directory: {@code bin/ lib/ system/ etc/ deploy/ data/}. Everything Stoa writes goes to
 * {@code data/}, so the other folders may be read-only.
 *
 * @param root the installation directory, absolute
 */
public record StoaHome(Path root) {

    /** System property that names the installation; {@code ${stoa.home}} in config files refers to it. */
    public static final String PROPERTY = "stoa.home";

    /** Environment variable bin/stoa sets; used when the system property is absent. */
    public static final String ENVIRONMENT = "STOA_HOME";

    /**
     * Finds the installation from the {@value #PROPERTY} system property or the {@value #ENVIRONMENT} variable.
     *
     * @return the installation
     * @throws IllegalStateException when neither names an existing directory
     */
    public static StoaHome locate() {
        String value = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv(ENVIRONMENT));
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("STOA_HOME is not set: start Stoa with bin/stoa, or pass -D" + PROPERTY
                    + "=<installation directory>");
        }
        Path root = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("STOA_HOME " + root + " is not a directory");
        }
        return new StoaHome(root);
    }

    /** @return {@code etc/}: config.properties, logback.xml and the {@code .cfg} files FileInstall watches */
    public Path etc() {
        return root.resolve("etc");
    }

    /** @return {@code lib/}: the launcher's class path, exported through the system bundle */
    public Path lib() {
        return root.resolve("lib");
    }

    /** @return {@code system/}: the core bundles the launcher installs and starts at every boot */
    public Path system() {
        return root.resolve("system");
    }

    /** @return {@code data/}: framework cache, logs, DJL caches */
    public Path data() {
        return root.resolve("data");
    }
}
