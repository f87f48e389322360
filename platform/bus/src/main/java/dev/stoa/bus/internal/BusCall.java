package dev.stoa.bus.internal;

import dev.stoa.api.BatchingService;
import dev.stoa.api.StoaException;
import dev.stoa.api.StreamingService;
import dev.stoa.vertx.BusFailures;
import dev.stoa.vertx.Payloads;
import io.vertx.core.eventbus.Message;

/** A call that came as an event-bus message: answered with {@code reply} or {@code fail(code, text)}. */
final class BusCall extends Call {

    private final Message<Object> message;

    BusCall(Endpoint endpoint, Message<Object> message) {
        super(endpoint, message.body());
        this.message = message;
    }

    @Override
    String streamAddress() {
        return message.headers().isEmpty() ? null : message.headers().get(StreamingService.STREAM_HEADER);
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

    /** Runs on the context the message was parked on: dispatched again, as a new arrival. */
    @Override
    public void wake() {
        endpoint.handle(message);
    }
}
