package dev.stoa.launcher.internal;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;

/**
 * The JVM settings that decide how the server fails when memory runs out: the heap limit and
 * {@code -XX:+ExitOnOutOfMemoryError}, both set by {@code bin/stoa} ({@code STOA_HEAP}, {@code JAVA_OPTS}). Without
 * the flag an {@code OutOfMemoryError} kills only the thread that met it, and a server with a dead event loop or
 * worker keeps its port open without answering; with it the JVM exits (status 3) and a supervisor restarts it.
 */
final class JvmLimits {

    private JvmLimits() {}

    /** Logs the heap limit and whether the JVM exits on an OutOfMemoryError, warning when it does not. */
    static void report(Logger log) {
        long maxMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        boolean exits = exitsOnOutOfMemory();
        if (exits) {
            log.info("JVM heap limit {} MB; the JVM exits on an OutOfMemoryError (STOA_HEAP, JAVA_OPTS)", maxMb);
        } else {
            log.warn(
                    "JVM heap limit {} MB; -XX:+ExitOnOutOfMemoryError is not set, so an OutOfMemoryError would leave"
                            + " a half-working server: start it with bin/stoa, or add the flag to the JVM's options",
                    maxMb);
        }
    }

    static boolean exitsOnOutOfMemory() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot != null
                    && Boolean.parseBoolean(
                            hotspot.getVMOption("ExitOnOutOfMemoryError").getValue());
        } catch (IllegalArgumentException | UnsupportedOperationException notHotSpot) {
            return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+ExitOnOutOfMemoryError");
        }
    }
}
