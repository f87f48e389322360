package dev.stoa.vertx;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.eventbus.ReplyException;

/** Reads the {@link FailureCode} of a failed event-bus request, for callers that report it on with their context. */
public final class BusFailures {

    private BusFailures() {
    }

    /**
     * @param failure why a request failed
     * @return the service's own code for a {@code message.fail(code, text)}; {@link FailureCode#TIMEOUT} when no
     *     answer came in time, {@link FailureCode#UNAVAILABLE} when nothing listens at the address, a
     *     {@link StoaException}'s code, else {@link FailureCode#INTERNAL}
     */
    public static FailureCode codeOf(Throwable failure) {
        if (failure instanceof ReplyException re) {
            return switch (re.failureType()) {
                case TIMEOUT -> FailureCode.TIMEOUT;
                case NO_HANDLERS -> FailureCode.UNAVAILABLE;
                default -> FailureCode.of(re.failureCode());
            };
        }
        return failure instanceof StoaException se ? se.code() : FailureCode.INTERNAL;
    }
}
