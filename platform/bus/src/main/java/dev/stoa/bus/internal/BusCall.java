package dev.stoa.bus.internal;

import dev.stoa.api.BatchingService;
import dev.stoa.api.Cancellation;
import dev.stoa.api.StoaException;
import dev.stoa.api.StreamingService;
import dev.stoa.vertx.BusFailures;
import dev.stoa.vertx.Payloads;
import io.vertx.core.eventbus.Message;

/** A call that came as an event-bus message: answered with {@code reply} or {@code fail(code, text)}. */
final class BusCall extends Call {

    private final Message<Object> message;

    BusCall(Endpoint endpoint, Message<Object> message) {
        super(endpoint, message.body(), cancellationOf(message));
        this.message = message;
    }

    /**
     * The caller's cancel token and deadline, from the message's headers ({@link Cancellation#TOKEN_HEADER},
     * {@link Cancellation#TIMEOUT_HEADER}); the deadline counts from the message's arrival here.
     */
    private static Cancellation cancellationOf(Message<Object> message) {
        if (message.headers().isEmpty()) {
            return Cancellation.create(null, Long.MAX_VALUE);
        }
        String token = message.headers().get(Cancellation.TOKEN_HEADER);
        String timeout = message.headers().get(Cancellation.TIMEOUT_HEADER);
        long deadline = Long.MAX_VALUE;
        if (timeout != null) {
            try {
                long ms = Long.parseLong(timeout.trim());
                deadline = System.nanoTime() + Math.max(0, Math.min(ms, Long.MAX_VALUE / 2_000_000)) * 1_000_000;
            } catch (NumberFormatException ignored) {
                // not a number: the caller set no usable deadline; the bus's own timeout still applies
            }
        }
        return Cancellation.create(token == null || token.isBlank() ? null : token, deadline);
    }

    @Override
    String streamAddress() {
        return message.headers().isEmpty() ? null : message.headers().get(StreamingService.STREAM_HEADER);
    }

    @Override
    String header(String name) {
        return message.headers().isEmpty() ? null : message.headers().get(name);
    }

    @Override
    int group() {
        String n = message.headers().isEmpty() ? null : message.headers().get(BatchingService.GROUP_HEADER);
        if (n == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(n.trim()));
        } catch (NumberFormatException e) {
            return 1; // a header the caller got wrong only loses the grouping
        }
    }

    @Override
    void succeed(Object output) {
        try {
            message.reply(output);
        } catch (IllegalArgumentException noCodec) {
            // an output type without a registered codec still reaches the caller, as JSON
            message.reply(Payloads.toJson(output));
        }
    }

    @Override
    void fail(StoaException failure) {
        BusFailures.fail(message, failure);
    }

    /** Runs on the context the message was parked on: dispatched again, keeping its deadline. */
    @Override
    public void wake() {
        endpoint.dispatch(this);
    }
}
