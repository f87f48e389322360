package dev.stoa.bus.internal;

import dev.stoa.api.Cancellation;
import dev.stoa.api.StoaException;

/**
 * A call from a thread of this JVM that may block ({@link dev.stoa.api.runtime.ServiceCaller}): the thread waits on
 * this object, first (during a hot swap) for an instance, then (for a queued or asynchronous service) for the
 * answer. A plain service runs on the thread itself, so its answer is here before the thread would wait.
 */
final class LocalCall extends Call {

    private boolean woken;
    /** Whether the caller's thread waits on this object: only then is it notified (notifyAll is a native call). */
    private boolean waiting;
    /** Volatile so that a plain call, answered on the caller's own thread, is read back without a lock. */
    private volatile boolean done;

    private Object output;
    private StoaException failure;

    /**
     * @param endpoint where it goes
     * @param input the request
     * @param cancellation cancelled with the call the calling thread runs for, if any ({@link Cancellation#current()})
     */
    LocalCall(Endpoint endpoint, Object input, Cancellation cancellation) {
        super(endpoint, input, cancellation);
    }

    @Override
    synchronized void succeed(Object output) {
        this.output = output;
        done = true;
        if (waiting) {
            notifyAll();
        }
    }

    @Override
    synchronized void fail(StoaException failure) {
        this.failure = failure;
        done = true;
        if (waiting) {
            notifyAll();
        }
    }

    @Override
    public synchronized void wake() {
        woken = true;
        if (waiting) {
            notifyAll();
        }
    }

    /**
     * Waits until an instance may be free again ({@link #wake}) or the wait is refused.
     *
     * @param boundMs the longest wait, a safety net behind the dispatcher's own deadline
     * @return {@code true} when woken, {@code false} when the bound passed
     * @throws StoaException the refusal (e.g. {@code SERVICE_GONE})
     */
    synchronized boolean awaitWake(long boundMs) throws InterruptedException {
        long deadline = System.nanoTime() + boundMs * 1_000_000L;
        while (!woken && !done) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            waitHere(left / 1_000_000L + 1);
        }
        if (failure != null) {
            throw failure;
        }
        woken = false;
        return true;
    }

    /** @return whether the answer is here; then {@link #result()} reads it */
    boolean done() {
        return done;
    }

    /**
     * Waits for the answer; the call's timeout (or the service) ends the wait.
     *
     * @return the output
     * @throws StoaException the call's failure
     * @throws InterruptedException when the thread is interrupted first
     */
    synchronized Object await() throws InterruptedException {
        while (!done) {
            waitHere(0);
        }
        return result();
    }

    /** Waits for an answer that is on its way (someone else has claimed the call), ignoring interrupts. */
    synchronized Object awaitClaimed() {
        boolean interrupted = false;
        while (!done) {
            try {
                waitHere(0);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result();
    }

    /** Waits on this object's monitor, which the caller holds; {@code ms} 0 waits until notified. */
    private void waitHere(long ms) throws InterruptedException {
        waiting = true;
        try {
            wait(ms);
        } finally {
            waiting = false;
        }
    }

    /**
     * @return the output of a call that is {@link #done()}
     * @throws StoaException its failure
     */
    Object result() {
        if (failure != null) {
            throw failure;
        }
        return output;
    }
}
