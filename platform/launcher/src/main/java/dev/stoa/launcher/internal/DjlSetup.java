package dev.stoa.launcher.internal;

import ai.djl.engine.Engine;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares DJL before any bundle touches it: offline, no telemetry, caches inside the installation, and engine
 * discovery done once on the launcher's thread.
 *
 * <p>DJL reads each setting from an environment variable or a system property ({@code Utils.getEnvOrSystemProperty},
 * {@code Utils.isOfflineMode} in DJL 0.36); a setting the user gave either way is left alone.
 */
final class DjlSetup {

    private static final Logger LOG = LoggerFactory.getLogger(DjlSetup.class);

    private DjlSetup() {}

    /**
     * Sets DJL's defaults as system properties. Must run before the first use of {@link Engine}: its static
     * initialiser sends telemetry unless offline or opted out.
     *
     * @param home the installation whose {@code data/} holds the caches
     */
    static void configure(StoaHome home) {
        // Offline: DJL would otherwise download native libraries it cannot find in lib/ (DESIGN: offline by default)
        defaultTo("DJL_OFFLINE", "ai.djl.offline", "true");
        defaultTo("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
        // Not ~/.djl.ai: models and extracted natives belong to this installation
        defaultTo("DJL_CACHE_DIR", "DJL_CACHE_DIR", home.data().resolve("djl").toString());
        defaultTo(
                "ENGINE_CACHE_DIR",
                "ENGINE_CACHE_DIR",
                home.data().resolve("djl").resolve("engines").toString());
    }

    /**
     * Runs DJL's engine discovery now. {@link Engine} finds its providers with {@link java.util.ServiceLoader} through
     * the thread's context class loader, once for the life of the JVM; here that loader is the application class
     * loader, which sees every engine jar in lib/. From a bundle's thread it would see none, and "engine not found"
     * would stick. Discovery only instantiates the providers; no native library is loaded.
     *
     * @return the names of the engines found
     */
    static Set<String> discoverEngines() {
        Set<String> engines = new TreeSet<>(Engine.getAllEngines());
        LOG.info("DJL engines on the class path: {}", engines);
        return engines;
    }

    private static void defaultTo(String environmentVariable, String systemProperty, String value) {
        if (System.getenv(environmentVariable) == null && System.getProperty(systemProperty) == null) {
            System.setProperty(systemProperty, value);
        }
    }
}
