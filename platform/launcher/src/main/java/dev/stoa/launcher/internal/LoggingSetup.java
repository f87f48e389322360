package dev.stoa.launcher.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Points logback at {@code etc/logback.xml} and routes java.util.logging (FileInstall, parts of the JDK) to slf4j,
 * so the console and {@code data/log/stoa.log} show everything in one format.
 */
final class LoggingSetup {

    private static final String LOGBACK_CONFIG = "logback.configurationFile";

    private LoggingSetup() {}

    /**
     * Must run before the first {@code LoggerFactory.getLogger}: logback reads its configuration once.
     *
     * @param home the installation; {@code stoa.home} must already be a system property, logback.xml uses it
     */
    static void install(StoaHome home) {
        Path config = home.etc().resolve("logback.xml");
        if (System.getProperty(LOGBACK_CONFIG) == null && Files.isRegularFile(config)) {
            System.setProperty(LOGBACK_CONFIG, config.toString());
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
