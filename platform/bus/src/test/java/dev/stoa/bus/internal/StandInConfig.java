package dev.stoa.bus.internal;

import java.lang.annotation.Annotation;

/**
 * The exporter's configuration as SCR would build it from {@code etc/dev.stoa.bus.cfg}, for tests and benchmarks
 * that drive an {@link Endpoint} without a framework. Shared through this module's test-jar.
 *
 * @param callTimeoutMs {@link BusConfig#callTimeoutMs()}
 * @param swapWaitMs {@link BusConfig#swapWaitMs()}
 * @param maxInFlight {@link BusConfig#maxInFlight()}
 */
public record StandInConfig(long callTimeoutMs, long swapWaitMs, int maxInFlight) implements BusConfig {

    /** With the default in-flight bound, 64. */
    public StandInConfig(long callTimeoutMs, long swapWaitMs) {
        this(callTimeoutMs, swapWaitMs, 64);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return BusConfig.class;
    }

    @Override
    public long drainTimeoutMs() {
        return 5_000;
    }

    @Override
    public int maxWaiting() {
        return 100;
    }
}
