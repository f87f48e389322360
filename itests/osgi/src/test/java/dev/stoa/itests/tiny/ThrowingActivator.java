package dev.stoa.itests.tiny;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** A bundle activator that refuses to start, as a broken user bundle would. */
public final class ThrowingActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException("activator refuses to start (test)");
    }

    @Override
    public void stop(BundleContext context) {}
}
