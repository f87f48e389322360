package dev.stoa.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * How long this machine takes to wake a parked thread, the floor under every thread hand-off: a thread parks, another
 * works for {@code idleMs} (as a model would), then unparks it; the time from the unpark to the woken thread running
 * is one sample. A bus call from outside Vert.x crosses threads three or four times (caller, event loop, worker, and
 * back), each paying this, so on a machine where it is large (a virtual machine whose idle virtual cores halt and are
 * woken by the host) it, not the code, sets the bus's overhead over a direct call.
 */
final class WakeLatency {

    private WakeLatency() {}

    /**
     * @param samples how many wakes to time
     * @param idleMs how long the woken thread stays parked first
     * @return the samples, in nanoseconds
     */
    static Samples measure(int samples, double idleMs) throws InterruptedException {
        Samples out = new Samples();
        Thread sleeper = Thread.currentThread();
        long[] unparkedAt = new long[1];
        long idleNanos = (long) (idleMs * 1e6);
        for (int i = 0; i < samples; i++) {
            Thread waker = new Thread(() -> {
                long end = System.nanoTime() + idleNanos;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait(); // busy, like a model's forward pass on the other core
                }
                synchronized (unparkedAt) {
                    unparkedAt[0] = System.nanoTime();
                }
                LockSupport.unpark(sleeper);
            });
            synchronized (unparkedAt) {
                unparkedAt[0] = 0;
            }
            waker.start();
            long woke;
            while (true) {
                LockSupport.park();
                woke = System.nanoTime();
                synchronized (unparkedAt) {
                    if (unparkedAt[0] != 0) {
                        break;
                    }
                }
            }
            long from;
            synchronized (unparkedAt) {
                from = unparkedAt[0];
            }
            out.add(Math.max(0, woke - from));
            waker.join();
        }
        return out;
    }
}
