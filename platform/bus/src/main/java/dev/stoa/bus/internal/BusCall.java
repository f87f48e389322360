package dev.stoa.bus.internal;

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
    String header(String name) {
        return message.headers().isEmpty() ? null : message.headers().get(name);
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
