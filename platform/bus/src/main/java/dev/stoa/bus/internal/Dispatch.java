package dev.stoa.bus.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.Bundle;

/**
 * Chooses the instance a call runs on, and holds calls while there is none: the hot-swap wait, one mechanism for
 * event-bus messages and {@link dev.stoa.api.runtime.ServiceCaller} calls alike.
 *
 * <p>A call takes the best free instance (highest service ranking, then the oldest registration). While no instance
 * is available (between the old and the new instance of a hot swap) the call is parked, bounded in number
 * ({@link BusConfig#maxWaiting()}) and time ({@link BusConfig#swapWaitMs()}); when an instance appears every parked
 * call is woken on its own context and dispatched again. A parked call that waits too long fails with
 * {@link FailureCode#SERVICE_GONE} (no replacement appeared), as do all of them once the providing bundle is
 * uninstalled with no replacement.
 */
final class Dispatch {

    /** A call waiting for an instance. */
    interface Waiter {
        /** An instance appeared: dispatch again. Runs on the context (thread) the call was parked from. */
        void wake();

        /** No instance will come: fail the call. */
        void refuse(StoaException failure);
    }

    private static final Comparator<Provider> BEST_FIRST = (a, b) -> b.reference.compareTo(a.reference);

    /** A parked call, the context to wake it on and its deadline's timer. */
    private record Parked(Waiter waiter, Context context, long timerId) {}

    private final Vertx vertx;
    private final BusConfig config;
    private final String id;
    private final String address;
    private final List<Provider> providers = new ArrayList<>();
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private boolean gone;
    private long lastBundleId = -1;
    private String lastBundleName;
    private String lastVersion;
    private String inputType;
    private String outputType;

    Dispatch(Vertx vertx, BusConfig config, String id, String address) {
        this.vertx = vertx;
        this.config = config;
        this.id = id;
        this.address = address;
    }

    /**
     * Takes the best free instance for a call, or parks the call until one appears.
     *
     * @param waiter the call, woken ({@link Waiter#wake}) or refused later when parked
     * @return the instance, acquired (the caller releases it when the call ends), or {@code null} when parked
     * @throws StoaException {@code SERVICE_GONE} when the service is gone, {@code OVERLOADED} when too many calls
     *         wait already
     */
    Provider acquire(Waiter waiter) {
        synchronized (this) {
            for (Provider p : providers) {
                if (p.tryAcquire()) {
                    return p;
                }
            }
            if (gone) {
                throw goneFailure();
            }
            if (parked.size() >= config.maxWaiting()) {
                throw new StoaException(
                        FailureCode.OVERLOADED,
                        "service '" + id + "' is being replaced and "
                                + config.maxWaiting()
                                + " calls already wait for it; retry shortly, or raise maxWaiting in"
                                + " etc/dev.stoa.bus.cfg");
            }
            Context context = vertx.getOrCreateContext();
            long timer = vertx.setTimer(config.swapWaitMs(), t -> expire(waiter));
            parked.add(new Parked(waiter, context, timer));
            return null;
        }
    }

    /** Withdraws a parked call (its thread gave up); @return whether it was still parked */
    boolean withdraw(Waiter waiter) {
        Parked found = null;
        synchronized (this) {
            for (Parked p : parked) {
                if (p.waiter == waiter) {
                    found = p;
                    break;
                }
            }
            if (found != null) {
                parked.remove(found);
            }
        }
        if (found != null) {
            vertx.cancelTimer(found.timerId);
        }
        return found != null;
    }

    /** Adds an instance; parked calls are woken and dispatched again. */
    void add(Provider provider) {
        List<Parked> woken;
        synchronized (this) {
            providers.add(provider);
            providers.sort(BEST_FIRST);
            gone = false;
            Bundle b = provider.reference.getBundle();
            lastBundleId = b == null ? -1 : b.getBundleId();
            lastBundleName = b == null ? null : b.getSymbolicName();
            Object v = provider.reference.getProperty(ServiceProperties.VERSION);
            lastVersion = v == null ? null : v.toString();
            inputType = provider.service.inputType().getSimpleName();
            outputType = provider.service.outputType().getSimpleName();
            woken = takeAll();
        }
        for (Parked p : woken) {
            vertx.cancelTimer(p.timerId);
            p.context.runOnContext(v -> p.waiter.wake());
        }
    }

    /** Removes an instance from the rotation; the exporter then drains it. */
    synchronized void remove(Provider provider) {
        providers.remove(provider);
    }

    /**
     * A bundle was uninstalled: if it provided this service and nothing replaced it, the service is gone and parked
     * calls fail.
     */
    void bundleUninstalled(long bundleId) {
        List<Parked> failed;
        synchronized (this) {
            if (!providers.isEmpty() || bundleId != lastBundleId) {
                return;
            }
            gone = true;
            failed = takeAll();
        }
        refuseAll(failed, goneFailure());
    }

    /** Fails every parked call: the bus is shutting down. */
    void close() {
        List<Parked> failed;
        synchronized (this) {
            failed = takeAll();
        }
        refuseAll(failed, new StoaException(FailureCode.UNAVAILABLE, "the event bus is shutting down"));
    }

    /** @return every instance now in rotation */
    synchronized List<Provider> providers() {
        return List.copyOf(providers);
    }

    /** @return calls parked until an instance appears */
    synchronized int parkedCount() {
        return parked.size();
    }

    /** What the directory shows of this service. */
    record State(
            String state,
            long inFlight,
            String version,
            String bundle,
            long bundleId,
            String inputType,
            String outputType) {}

    synchronized State state() {
        long inFlight = providers.stream().mapToLong(Provider::inFlight).sum();
        String state = !providers.isEmpty() ? "available" : gone ? "gone" : "swapping";
        return new State(state, inFlight, lastVersion, lastBundleName, lastBundleId, inputType, outputType);
    }

    /** @return the failure of a call whose wait for a replacement ran out */
    StoaException noReplacementFailure() {
        return new StoaException(
                FailureCode.SERVICE_GONE,
                "service '" + id + "' at " + address + " went away and no"
                        + " replacement appeared within " + config.swapWaitMs()
                        + " ms; install a bundle that provides it, or"
                        + " raise swapWaitMs in etc/dev.stoa.bus.cfg");
    }

    private StoaException goneFailure() {
        return new StoaException(
                FailureCode.SERVICE_GONE,
                "service '" + id + "' at " + address
                        + " is gone: its bundle " + (lastBundleName == null ? "" : lastBundleName + " ")
                        + "was uninstalled; install it again or call another service (GET /v1/services lists them)");
    }

    private void expire(Waiter waiter) {
        boolean removed;
        synchronized (this) {
            removed = parked.removeIf(p -> p.waiter == waiter);
        }
        if (removed) {
            waiter.refuse(noReplacementFailure());
        }
    }

    private List<Parked> takeAll() {
        List<Parked> all = new ArrayList<>(parked);
        parked.clear();
        return all;
    }

    private void refuseAll(List<Parked> calls, StoaException failure) {
        for (Parked p : calls) {
            vertx.cancelTimer(p.timerId);
            p.waiter.refuse(failure);
        }
    }
}
