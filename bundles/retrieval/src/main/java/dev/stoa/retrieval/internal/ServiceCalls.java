package dev.stoa.retrieval.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.vertx.BusFailures;
import dev.stoa.vertx.Payloads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Calls other Stoa services by {@code stoa.id} over the event bus, sending records (passed by reference in process)
 * and answering records. Going through the bus rather than the OSGi registry keeps the platform's promises for
 * these calls too: while an encoder is being replaced, calls wait for the new one instead of failing; each call is
 * bounded by a timeout and counted in the encoder's metrics; and the encoder may run on another cluster node.
 */
final class ServiceCalls {

    private final Vertx vertx;
    private final ServiceDirectory directory;
    private final long timeoutMs;

    ServiceCalls(Vertx vertx, ServiceDirectory directory, long timeoutMs) {
        this.vertx = vertx;
        this.directory = directory;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @param setting the configuration entry that names the service, for messages
     * @param id the service's {@code stoa.id}
     * @param input the request record
     * @param answer the record type the service answers with
     * @return the answer, or a failure with the service's own code and message, prefixed with who was called
     */
    <T> Future<T> call(String setting, String id, Object input, Class<T> answer) {
        String address = null;
        for (ExportedService s : directory.services()) {
            if (s.id().equals(id) && !"gone".equals(s.state())) {
                address = s.address();
                break;
            }
        }
        if (address == null) {
            return Future.failedFuture(new StoaException(
                    FailureCode.UNAVAILABLE,
                    "service '" + id + "' (the "
                            + setting + " of this collection) is not running; install or configure it (GET /v1/services"
                            + " lists what runs), or name another in etc/"));
        }
        return vertx.eventBus()
                .request(address, input, new DeliveryOptions().setSendTimeout(timeoutMs))
                .map(m -> m.body() instanceof JsonObject json ? Payloads.fromJson(json, answer) : answer.cast(m.body()))
                .recover(e -> Future.failedFuture(failure(setting, id, e)));
    }

    private static StoaException failure(String setting, String id, Throwable e) {
        return new StoaException(BusFailures.codeOf(e), setting + " '" + id + "': " + e.getMessage(), e);
    }
}
