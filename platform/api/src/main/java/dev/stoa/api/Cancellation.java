package dev.stoa.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the caller of a call still waits for its answer. A call is cancelled when its caller goes away (an HTTP
 * client disconnects, a bridge socket closes: a cancel message travels over the bus to wherever the call runs) or
 * when its deadline passes (the caller has given up). A service that works in steps checks {@link #isCancelled()}
 * once per step and stops: text generation checks it before every token ({@code dev.stoa.nn.decode.Decoding}), the
 * pipeline engine before every stage.
 *
 * <p>The bus binds each call's cancellation to the thread that runs the service ({@link #current()}), for the length
 * of the call; an {@link AsyncStoaService} reads it while {@code callAsync} runs and keeps it. A service never creates
 * one, it only reads the one it is given.
 *
 * <p>On the event bus a call carries its cancellation as two headers: {@link #TOKEN_HEADER}, a token shared by every
 * call one caller makes (publish it to {@link #CANCEL_ADDRESS} to cancel them all, on every node), and
 * {@link #TIMEOUT_HEADER}, the milliseconds the caller still waits. A service that calls other services passes both on
 * ({@link #token()}, {@link #remainingMs()}), so a cancel reaches the calls made on a call's behalf too.
 */
public final class Cancellation {

    /**
     * Event-bus header: the caller's cancel token. Every call carrying the token is cancelled when the token is
     * published to {@link #CANCEL_ADDRESS}. A caller may share one token between its calls (a bridge socket does).
     */
    public static final String TOKEN_HEADER = "stoa.cancel-token";

    /**
     * Event-bus header: how many milliseconds the caller still waits for the answer, counted from when the message
     * was sent. A call that is still waiting for a worker or a queue when it runs out is dropped without running.
     */
    public static final String TIMEOUT_HEADER = "stoa.timeout-ms";

    /** The event-bus address to publish a cancel token to (the body is the token, a string); every node listens. */
    public static final String CANCEL_ADDRESS = "stoa.cancel";

    /** A cancellation that never fires: a call outside the bus, or a caller that never gives up. */
    public static final Cancellation NEVER = new Cancellation(null, Long.MAX_VALUE, null);

    private static final ThreadLocal<Cancellation> CURRENT = new ThreadLocal<>();

    private final String token;
    private final long deadlineNanos;
    private final Cancellation parent;
    private volatile String reason;
    private List<Runnable> listeners;

    private Cancellation(String token, long deadlineNanos, Cancellation parent) {
        this.token = token;
        this.deadlineNanos = deadlineNanos;
        this.parent = parent;
    }

    /**
     * A new cancellation, for the platform's doors (the bus makes one per call).
     *
     * @param token the caller's cancel token, or {@code null} when the caller cannot cancel
     * @param deadlineNanos when the caller gives up ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}
     * @return a cancellation that is not cancelled yet
     */
    public static Cancellation create(String token, long deadlineNanos) {
        return new Cancellation(token, deadlineNanos, null);
    }

    /**
     * A cancellation for a call made on this one's behalf: cancelled when this one is, or by itself; the same token,
     * and a deadline no later than this one's.
     *
     * @param deadlineNanos its own deadline, or {@link Long#MAX_VALUE}
     * @return the child
     */
    public Cancellation child(long deadlineNanos) {
        Cancellation child = new Cancellation(token, Math.min(deadlineNanos, this.deadlineNanos), this);
        if (this != NEVER) {
            onCancel(() -> child.cancel(reason()));
        }
        return child;
    }

    /** @return the cancellation of the call this thread runs, or {@link #NEVER} */
    public static Cancellation current() {
        Cancellation c = CURRENT.get();
        return c == null ? NEVER : c;
    }

    /**
     * Binds this cancellation to the current thread until the scope closes (the bus does this around a service).
     *
     * @return the scope; closing it restores what was bound before
     */
    public Scope enter() {
        Cancellation previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** A binding of a cancellation to a thread; {@link #close()} ends it. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** @return whether the caller no longer waits for the answer: it went away, or its deadline passed */
    public boolean isCancelled() {
        if (reason != null) {
            return true;
        }
        if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0) {
            cancel("the caller's deadline passed");
            return true;
        }
        return false;
    }

    /** @return why it was cancelled, or {@code null} while it is not */
    public String reason() {
        return reason;
    }

    /**
     * @throws StoaException {@link FailureCode#CANCELLED} naming the reason, when {@link #isCancelled()}
     */
    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new StoaException(FailureCode.CANCELLED, "the call was cancelled: " + reason);
        }
    }

    /** @return the caller's cancel token, to pass on in {@link #TOKEN_HEADER}; {@code null} when there is none */
    public String token() {
        return token;
    }

    /**
     * @return milliseconds until the deadline, to pass on in {@link #TIMEOUT_HEADER} (0 once it passed), or
     *     {@link Long#MAX_VALUE} when there is none
     */
    public long remainingMs() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    /** @return the deadline ({@link System#nanoTime()}), or {@link Long#MAX_VALUE} */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * Cancels; the first reason stays. {@link #NEVER} ignores it.
     *
     * @param why why, for messages and logs
     * @return whether this call cancelled it (it was not cancelled before)
     */
    public boolean cancel(String why) {
        if (this == NEVER) {
            return false;
        }
        List<Runnable> run;
        synchronized (this) {
            if (reason != null) {
                return false;
            }
            reason = why == null ? "cancelled" : why;
            run = listeners;
            listeners = null;
        }
        if (run != null) {
            run.forEach(Runnable::run);
        }
        return true;
    }

    /**
     * Runs {@code action} once when this is cancelled, on the cancelling thread (at once if it already is); keep it
     * short. A deadline that passes unnoticed does not run it: check {@link #isCancelled()}.
     *
     * @param action what to do
     */
    public void onCancel(Runnable action) {
        if (this == NEVER) {
            return;
        }
        synchronized (this) {
            if (reason == null) {
                if (listeners == null) {
                    listeners = new ArrayList<>(2);
                }
                listeners.add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public String toString() {
        return "Cancellation[" + (reason == null ? "live" : "cancelled: " + reason)
                + (token == null ? "" : ", token " + token) + (parent == null ? "" : ", child") + "]";
    }
}
