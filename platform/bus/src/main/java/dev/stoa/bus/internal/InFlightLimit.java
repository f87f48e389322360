package dev.stoa.bus.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission step of an {@link Endpoint}: at most {@code max} calls of one service in flight at once, counted from
 * the moment a call is given an instance until the service is done with it (running, or waiting for a worker thread
 * in Vert.x's worker queue). A call over the bound is refused at once with {@link FailureCode#OVERLOADED}, without
 * running: a bounded queue (the worker queue, at most {@code max} deep) and then refusal, so a burst never builds an
 * unbounded backlog that would answer long after its callers gave up.
 *
 * <p>The bound, first found wins: {@code maxInFlight.<id>} in {@code etc/dev.stoa.bus.cfg} (the operator), the
 * service property {@value ServiceProperties#MAX_IN_FLIGHT} (the service's author), {@code maxInFlight} (the bus's
 * default, {@link BusConfig#maxInFlight()}). A service with {@code batching.<id>.*} entries is bounded by its batching
 * queue instead ({@code max_queue_size}).
 *
 * <p>A call that timed out or was cancelled still counts while the service runs it: the slot is free only when the
 * service returns, so the bound is a bound on work, not on answers.
 */
final class InFlightLimit {

    /** Prefix of the per-service entries. */
    static final String PREFIX = "maxInFlight.";

    private static final Logger LOG = LoggerFactory.getLogger(InFlightLimit.class);

    private final String id;
    private final Integer configured;
    private final int defaultMax;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int max;
    private volatile String source;

    /**
     * @param id the service's id
     * @param configured {@code maxInFlight.<id>} from the configuration, or {@code null}
     * @param defaultMax {@code maxInFlight}
     */
    InFlightLimit(String id, Integer configured, int defaultMax) {
        this.id = id;
        this.configured = configured;
        this.defaultMax = defaultMax;
        this.max = configured != null ? configured : defaultMax;
        this.source =
                configured != null ? PREFIX + id + " in etc/dev.stoa.bus.cfg" : "maxInFlight in etc/dev.stoa.bus.cfg";
    }

    /** Takes the bound of a new instance's service property, unless the configuration names this service. */
    void adopt(Provider provider) {
        if (configured != null) {
            return;
        }
        Object v = provider.reference.getProperty(ServiceProperties.MAX_IN_FLIGHT);
        if (v == null) {
            max = defaultMax;
            source = "maxInFlight in etc/dev.stoa.bus.cfg";
            return;
        }
        try {
            int n = Integer.parseInt(v.toString().trim());
            if (n < 1) {
                throw new NumberFormatException("below 1");
            }
            max = n;
            source = "the service property " + ServiceProperties.MAX_IN_FLIGHT + " (override it with " + PREFIX + id
                    + " in etc/dev.stoa.bus.cfg)";
        } catch (NumberFormatException e) {
            LOG.warn(
                    "Service '{}' has {}={}, which is not a whole number of 1 or more; using maxInFlight={}",
                    id,
                    ServiceProperties.MAX_IN_FLIGHT,
                    v,
                    defaultMax);
            max = defaultMax;
            source = "maxInFlight in etc/dev.stoa.bus.cfg";
        }
    }

    /** @return {@code true} when the call may go on (and is counted), {@code false} when the bound is reached */
    boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    /** @return calls counted now */
    int inFlight() {
        return inFlight.get();
    }

    /** @return the bound now */
    int max() {
        return max;
    }

    /** @return the failure of a call over the bound, naming the setting */
    StoaException overloaded() {
        return new StoaException(
                FailureCode.OVERLOADED,
                "service '" + id + "' already has " + max + " calls in flight, its bound (" + source
                        + "); retry after a moment, or raise the bound");
    }

    /**
     * Reads every {@code maxInFlight.<id>} entry of the bus configuration.
     *
     * @param properties the component's configuration
     * @param problems receives one message per bad entry, naming the key and the fix
     * @return the bound per service id
     */
    static Map<String, Integer> parse(Map<String, ?> properties, List<String> problems) {
        Map<String, Integer> out = new TreeMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String id = key.substring(PREFIX.length());
            if (id.isEmpty()) {
                problems.add("etc/dev.stoa.bus.cfg: '" + key + "' names no service; write maxInFlight.<stoa.id> = N");
                continue;
            }
            long value;
            try {
                value = Long.parseLong(String.valueOf(e.getValue()).trim());
            } catch (NumberFormatException ex) {
                problems.add("etc/dev.stoa.bus.cfg: '" + key + "' is '" + e.getValue() + "'; write a whole number");
                continue;
            }
            if (value < 1 || value > Integer.MAX_VALUE) {
                problems.add("etc/dev.stoa.bus.cfg: '" + key + "' is " + value + "; use 1 or more");
                continue;
            }
            out.put(id, (int) value);
        }
        return out;
    }
}
