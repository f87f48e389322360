package dev.stoa.launcher.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running platform: a Felix framework with the {@code system/} bundles, stopped by SIGTERM or Ctrl-C.
 *
 * <p>Stopping lowers the start level, so bundles stop in reverse start order (FileInstall first, the core bundles
 * last) and in-flight work can drain; the shutdown hook waits for that, bounded by {@link #STOP_TIMEOUT}.
 */
final class Server {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final StoaHome home;
    private final Framework framework;
    /** Set by the shutdown hook: a SIGTERM during boot must not be followed by a ready line. */
    private volatile boolean stopping;

    Server(StoaHome home, Map<String, Object> frameworkConfig) {
        this.home = home;
        this.framework = new Felix(frameworkConfig);
    }

    /**
     * Boots the platform and blocks until the framework stops.
     *
     * @throws Exception when the framework cannot be initialised or started
     */
    void run() throws Exception {
        JvmLimits.report(LOG);
        framework.init();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stoa-shutdown"));
        SystemBundles.install(framework.getBundleContext(), home.system());
        framework.start();
        reportReady();
        framework.waitForStop(0);
    }

    private void reportReady() {
        if (stopping) {
            return;
        }
        Bundle[] bundles = framework.getBundleContext().getBundles();
        List<Bundle> inactive = Arrays.stream(bundles)
                .filter(b -> b.getBundleId() != Constants.SYSTEM_BUNDLE_ID && !isFragment(b))
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .collect(Collectors.toList());
        inactive.forEach(b -> LOG.warn(
                "Bundle {} {} is {}, not ACTIVE", b.getSymbolicName(), b.getVersion(), stateName(b.getState())));
        long active = Arrays.stream(bundles)
                .filter(b -> b.getBundleId() != Constants.SYSTEM_BUNDLE_ID && b.getState() == Bundle.ACTIVE)
                .count();
        // JVM uptime: what the user waited, JVM start included
        long millis = ManagementFactory.getRuntimeMXBean().getUptime();
        LOG.info(
                "Stoa ready in {} ms ({} bundles active{})",
                millis,
                active,
                inactive.isEmpty() ? "" : ", " + inactive.size() + " not");
    }

    /** Runs on the shutdown hook: stops the framework and waits for its bundles to stop. */
    private void stop() {
        if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
            return; // already stopped from inside (a bundle stopped the system bundle)
        }
        stopping = true;
        LOG.info("Stopping Stoa");
        long start = System.nanoTime();
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT.toMillis());
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warn("Stoa did not stop within {} s; exiting anyway", STOP_TIMEOUT.toSeconds());
            } else {
                LOG.info("Stoa stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
            }
        } catch (BundleException e) {
            LOG.warn("Stopping Stoa failed: {}", FelixLogger.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "in state " + state;
        };
    }
}
