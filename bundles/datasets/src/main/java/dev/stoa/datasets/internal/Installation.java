package dev.stoa.datasets.internal;

import java.nio.file.Path;
import org.osgi.framework.BundleContext;

/** The installation folder that relative paths in a training file's dataset options are resolved against. */
final class Installation {

    private Installation() {}

    /** @return the framework property {@code stoa.home}, or the working directory when it is not set */
    static Path home(BundleContext context) {
        String home = context.getProperty("stoa.home");
        return Path.of(home == null ? "" : home);
    }
}
