package dev.stoa.bus.internal;

import dev.stoa.api.StoaService;
import org.osgi.framework.ServiceReference;

/**
 * One registered instance of a service, with the count of calls running on it.
 *
 * <p>When its registration goes away the exporter marks it draining and waits, on the unregistering thread, until
 * the count drops to zero: the instance stays active (its bundle is still stopping) while its in-flight calls end.
 */
final class Provider {

    final ServiceReference<StoaService<Object, Object>> reference;
    final StoaService<Object, Object> service;
    private int inFlight;
    private boolean draining;
    private volatile Batcher batcher;

    Provider(ServiceReference<StoaService<Object, Object>> reference, StoaService<Object, Object> service) {
        this.reference = reference;
        this.service = service;
    }

    /** @return the queue in front of this instance, or {@code null} when each call runs on a worker of its own */
    Batcher batcher() {
        return batcher;
    }

    /** @param batcher the queue in front of this instance; set once, before the instance takes calls */
    void batcher(Batcher batcher) {
        this.batcher = batcher;
    }

    /** @return {@code true} when a call may start on this instance (and counts it), {@code false} once draining */
    synchronized boolean tryAcquire() {
        if (draining) {
            return false;
        }
        inFlight++;
        return true;
    }

    synchronized void release() {
        if (--inFlight == 0 && draining) {
            notifyAll();
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    /**
     * Stops new calls and waits for running ones.
     *
     * @param timeoutMs the longest wait
     * @return the number of calls still running when the wait ended (0 when all finished)
     */
    synchronized int drain(long timeoutMs) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (inFlight > 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return inFlight;
    }
}
