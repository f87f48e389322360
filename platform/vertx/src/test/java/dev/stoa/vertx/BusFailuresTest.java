package dev.stoa.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one failure table, read off failures a real Vert.x event bus produces: a handler's {@code fail(code, text)},
 * no reply in time, nothing consuming the address.
 */
class BusFailuresTest {

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void everyCodeAServiceFailsWithCrossesTheBusUnchangedWithItsText() {
        for (FailureCode code : FailureCode.values()) {
            String address = "test." + code.name();
            vertx.eventBus()
                    .consumer(address, m -> BusFailures.fail(m, new StoaException(code, "'x': " + code)))
                    .completion()
                    .await();
            Throwable failure = requestFailure(address, 5_000);
            StoaException read = BusFailures.toStoaException(failure, "svc");
            assertThat(read.code()).isEqualTo(code);
            assertThat(read.getMessage()).isEqualTo("'x': " + code);
        }
    }

    @Test
    void noReplyInTimeIsTimeoutNamingTheService() {
        vertx.eventBus().consumer("test.silent", m -> {}).completion().await();
        StoaException read = BusFailures.toStoaException(requestFailure("test.silent", 50), "svc");
        assertThat(read.code()).isEqualTo(FailureCode.TIMEOUT);
        assertThat(read.getMessage()).contains("service 'svc' did not answer in time");
        assertThat(BusFailures.retryable(read.getCause())).isTrue();
    }

    @Test
    void nothingConsumingTheAddressIsServiceGoneAndMayBeRetried() {
        Throwable failure = requestFailure("test.nobody", 1_000);
        assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
        assertThat(BusFailures.codeOf(failure)).isEqualTo(FailureCode.SERVICE_GONE);
        assertThat(BusFailures.toStoaException(failure, "svc").getMessage()).contains("no node serves service 'svc'");
        assertThat(BusFailures.retryable(failure)).isTrue();
    }

    @Test
    void aServiceGoneAnswerIsFinalButOverloadedIsRetried() {
        ReplyException gone = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCode.SERVICE_GONE.code(), "x");
        ReplyException busy = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCode.OVERLOADED.code(), "x");
        assertThat(BusFailures.retryable(gone)).isFalse();
        assertThat(BusFailures.retryable(busy)).isTrue();
        assertThat(BusFailures.codeOf(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 999, "?")))
                .isEqualTo(FailureCode.INTERNAL);
    }

    @Test
    void thrownExceptionsKeepTheirCodeOrBecomeInternalNamingTheClass() {
        StoaException bad = StoaException.badInput("text", "is empty");
        assertThat(BusFailures.fromThrown(bad, "svc")).isSameAs(bad);
        assertThat(BusFailures.fromThrown(new CompletionException(bad), "svc")).isSameAs(bad);
        StoaException internal = BusFailures.fromThrown(new IllegalStateException("boom"), "svc");
        assertThat(internal.code()).isEqualTo(FailureCode.INTERNAL);
        assertThat(internal.getMessage()).contains("service 'svc' failed: IllegalStateException: boom");
        assertThat(FailureCode.UNTRAINED.httpStatus()).isEqualTo(503);
    }

    private Throwable requestFailure(String address, long timeoutMs) {
        try {
            vertx.eventBus()
                    .request(address, "x", new DeliveryOptions().setSendTimeout(timeoutMs))
                    .await();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the request to " + address + " should fail");
    }
}
