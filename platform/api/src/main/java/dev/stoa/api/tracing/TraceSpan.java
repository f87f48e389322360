package dev.stoa.api.tracing;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One timed operation of a trace (a service call, a pipeline stage). Thread-safe; {@link #end()} may be called from
 * any thread, once.
 */
@ProviderType
public interface TraceSpan {

    /** The span of no trace: every method does nothing, {@link #traceparent()} is {@code null}. */
    TraceSpan NONE = new TraceSpan() {
        @Override
        public TraceSpan attribute(String key, String value) {
            return this;
        }

        @Override
        public TraceSpan attribute(String key, long value) {
            return this;
        }

        @Override
        public void fail(String code, String message) {}

        @Override
        public void end() {}

        @Override
        public String traceparent() {
            return null;
        }

        @Override
        public String tracestate() {
            return null;
        }

        @Override
        public Scope makeCurrent() {
            return Scope.NONE;
        }
    };

    /** @return this span, with the attribute set */
    TraceSpan attribute(String key, String value);

    /** @return this span, with the attribute set */
    TraceSpan attribute(String key, long value);

    /**
     * Marks the span failed: status error, {@link Tracing#OUTCOME} the code.
     *
     * @param code the failure code's name, e.g. {@code TIMEOUT}
     * @param message what went wrong
     */
    void fail(String code, String message);

    /** Ends the span: its duration stops here and it is exported. */
    void end();

    /** @return this span's W3C {@code traceparent}, to send as a header so that the receiver's spans are children */
    String traceparent();

    /** @return this span's {@code tracestate}, or {@code null} when it has none */
    String tracestate();

    /**
     * Makes this span the current one on this thread, so that {@link Tracing#current()} and spans started with no
     * explicit parent find it, until the scope is closed (on the same thread).
     *
     * @return the scope to close
     */
    Scope makeCurrent();

    /** A span made current; closing it restores the previous one. */
    interface Scope extends AutoCloseable {

        /** A scope that restores nothing. */
        Scope NONE = () -> {};

        @Override
        void close();
    }
}
