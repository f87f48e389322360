package dev.stoa.logging.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every OSGi log entry to slf4j, so what SCR, ConfigAdmin and FileInstall report (a component that failed
 * to activate, with its stack trace) reaches the same console and {@code data/log/stoa.log} as everything else.
 *
 * <p>The slf4j logger is named after the entry's bundle ({@code osgi.<symbolic name>}); entries logged before this
 * component started (the log service keeps a short history) are replayed once, oldest first.
 */
@Component(immediate = true, configurationPid = "dev.stoa.logging")
@Designate(ocd = OsgiLogBridge.Config.class)
public final class OsgiLogBridge implements LogListener {

    /** Settings of the bridge. */
    @ObjectClassDefinition(name = "Stoa OSGi log bridge")
    public @interface Config {
        @AttributeDefinition(
                description = "Lowest level the OSGi log records and forwards: ERROR, WARN, INFO," + " DEBUG or TRACE")
        String level() default "INFO";
    }

    private final LogReaderService reader;

    @Activate
    public OsgiLogBridge(@Reference LogReaderService reader, @Reference LoggerAdmin admin, Config config) {
        this.reader = reader;
        LoggerContext root = admin.getLoggerContext(null);
        // the framework logs every bundle and service event at INFO (OSGi log spec, "Events.*" loggers): too much
        // for a console; their errors and warnings still come through
        root.setLogLevels(Map.of(
                org.osgi.service.log.Logger.ROOT_LOGGER_NAME,
                parseLevel(config.level()),
                "Events.Bundle",
                LogLevel.WARN,
                "Events.Service",
                LogLevel.WARN,
                "Events.Framework",
                LogLevel.WARN));
        replayHistory(reader.getLog());
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        if (isRoutineEvent(entry)) {
            return;
        }
        Logger log = LoggerFactory.getLogger(loggerName(entry));
        String message = entry.getMessage();
        Throwable t = entry.getException();
        switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> log.error(message, t);
            case WARN -> log.warn(message, t);
            case INFO -> log.info(message, t);
            case DEBUG -> log.debug(message, t);
            default -> log.trace(message, t);
        }
    }

    private void replayHistory(Enumeration<LogEntry> history) {
        List<LogEntry> entries = new ArrayList<>(Collections.list(history));
        Collections.reverse(entries); // getLog() is newest first
        entries.forEach(this::logged);
    }

    /** Bundle and service events recorded before the levels above were set (the replayed history). */
    static boolean isRoutineEvent(LogEntry entry) {
        String name = entry.getLoggerName();
        return name != null && name.startsWith("Events.") && entry.getLogLevel().implies(LogLevel.INFO);
    }

    static String loggerName(LogEntry entry) {
        String bundle = entry.getBundle() == null ? null : entry.getBundle().getSymbolicName();
        return "osgi." + (bundle == null ? "framework" : bundle);
    }

    static LogLevel parseLevel(String value) {
        try {
            return LogLevel.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "level=" + value + " in etc/dev.stoa.logging.cfg is not a level; use"
                            + " ERROR, WARN, INFO, DEBUG or TRACE",
                    e);
        }
    }
}
