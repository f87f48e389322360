package dev.stoa.launcher.internal;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.slf4j.LoggerFactory;

/**
 * Sends the Felix framework's own messages (bundles that fail to resolve or start, listener errors) to slf4j instead
 * of stdout. A bundle that cannot resolve is logged with the reason only, the missing requirement; a failure inside a
 * bundle's code keeps its stack trace, which is what its author needs.
 */
final class FelixLogger extends Logger {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("org.apache.felix.framework");

    FelixLogger() {
        // Felix filters by level before formatting: ask only for what slf4j will print
        setLogLevel(LOG.isDebugEnabled() ? LOG_DEBUG : LOG.isInfoEnabled() ? LOG_INFO : LOG_WARNING);
    }

    @Override
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        emit(level, bundle == null ? msg : "[" + bundle.getSymbolicName() + "] " + msg, throwable);
    }

    /** The resolver's messages (wiring decisions at debug level) arrive here, without a bundle. */
    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        emit(level, msg, throwable);
    }

    private static void emit(int level, String msg, Throwable throwable) {
        String text = throwable == null ? msg : msg + ": " + reason(throwable);
        Throwable trace = isResolutionFailure(throwable) ? null : throwable;
        switch (level) {
            case LOG_ERROR -> LOG.error(text, trace);
            case LOG_WARNING -> LOG.warn(text, trace);
            case LOG_INFO -> LOG.info(text, trace);
            default -> LOG.debug(text, throwable);
        }
    }

    /** The messages of the exception and its causes, e.g. "Activator start error in bundle x: NullPointerException". */
    static String reason(Throwable throwable) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = throwable; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (reason.length() > 0) {
                reason.append(": ");
            }
            reason.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return reason.toString();
    }

    private static boolean isResolutionFailure(Throwable throwable) {
        return throwable instanceof BundleException be && be.getType() == BundleException.RESOLVE_ERROR;
    }
}
