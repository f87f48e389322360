package dev.stoa.bus.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the event-bus exporter, PID {@code dev.stoa.bus} ({@code etc/dev.stoa.bus.cfg}). */
@ObjectClassDefinition(name = "Stoa event-bus exporter")
public @interface BusConfig {

    @AttributeDefinition(
            description = "Longest a call may run before the caller gets TIMEOUT, in ms;"
                    + " a service may lower or raise it with the service property stoa.timeout.ms")
    long callTimeoutMs() default 30_000;

    @AttributeDefinition(
            description =
                    "Longest a call waits for a service that is being replaced" + " (hot swap) before it fails, in ms")
    long swapWaitMs() default 10_000;

    @AttributeDefinition(description = "Longest an unregistering service is kept alive for its in-flight calls, in ms")
    long drainTimeoutMs() default 60_000;

    @AttributeDefinition(
            description = "Most calls that may wait for one service during a swap; more fail with" + " OVERLOADED")
    int maxWaiting() default 10_000;

    @AttributeDefinition(
            description = "Most calls of one service in flight at once (running, or waiting for a worker thread);"
                    + " more are refused at once with OVERLOADED (HTTP 429). maxInFlight.<id> = N sets one service's"
                    + " bound, as does the service property stoa.max.in.flight; a service with batching.<id>.*"
                    + " entries is bounded by its max_queue_size instead")
    int maxInFlight() default 64;
}
