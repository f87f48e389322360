package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceKind;
import dev.stoa.api.StoaException;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.vertx.BusFailures;
import dev.stoa.vertx.CallOptions;
import dev.stoa.vertx.TraceHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code POST /v1/services/{id}} and {@code /v1/pipelines/{name}}: the JSON body (or a multipart form, read by
 * {@link MultipartInput} into the same JSON) goes to the service's event-bus address, the service's JSON answer comes
 * back. A failure keeps its {@link FailureCode}: the HTTP status is the code's, the body names it. With
 * {@code ?stream=true} or {@code Accept: text/event-stream} the answer is server-sent events ({@link EventStreamCall}).
 * With {@code Accept: image/png} it is the answer's PNG itself ({@link PngAnswer}).
 */
final class ServiceCallHandler {

    private static final String PIPELINES_PATH = "/v1/pipelines/";
    private static final String SERVICES_PATH = "/v1/services/";

    private final Vertx vertx;
    private final Supplier<ServiceDirectory> directory;
    private final long timeoutMs;

    ServiceCallHandler(Vertx vertx, Supplier<ServiceDirectory> directory, long timeoutMs) {
        this.vertx = vertx;
        this.directory = directory;
        this.timeoutMs = timeoutMs;
    }

    /** A JSON call: the body (read by a body handler) is the input. */
    void handle(RoutingContext rc) {
        ExportedService service = find(rc);
        if (service == null) {
            return;
        }
        JsonObject body;
        try {
            body = rc.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            HttpGateway.error(
                    rc,
                    FailureCode.BAD_INPUT,
                    "the request body is not a JSON object (" + e.getMessage()
                            + "); send e.g. {\"text\": \"hello\"} with Content-Type: application/json");
            return;
        }
        if (body == null) {
            HttpGateway.error(
                    rc,
                    FailureCode.BAD_INPUT,
                    "the request body is empty; send a JSON object such as" + " {\"text\": \"hello\"}");
            return;
        }
        call(rc, service, body);
    }

    /** A multipart call ({@link MultipartInput}): its parts become the input; the body is read here. */
    void handleMultipart(RoutingContext rc, long maxBytes) {
        ExportedService service = find(rc);
        if (service == null) {
            return;
        }
        MultipartInput.read(rc.request(), maxBytes).onComplete(ar -> {
            if (ar.succeeded()) {
                call(rc, service, ar.result());
            } else if (ar.cause() instanceof StoaException se) {
                if (se.code() == FailureCode.TOO_LARGE) {
                    // the client may still be sending: answer, then close rather than read the rest
                    rc.response().putHeader("Connection", "close");
                }
                HttpGateway.error(rc, se.code(), se.getMessage());
            } else {
                HttpGateway.error(rc, FailureCode.INTERNAL, String.valueOf(ar.cause()));
            }
        });
    }

    /**
     * @return the service the path names, or {@code null} after answering why there is none: {@code /v1/pipelines/}
     *     calls only a pipeline and {@code /v1/services/} only a service of another kind, whatever other kind shares
     *     the id (the bus refuses such a second export anyway; this keeps each door to its own kind)
     */
    private ExportedService find(RoutingContext rc) {
        String id = rc.pathParam("id");
        ServiceDirectory d = directory.get();
        if (d == null) {
            HttpGateway.error(
                    rc,
                    FailureCode.UNAVAILABLE,
                    "the event-bus exporter (dev.stoa.bus) is not running; " + FailureCode.UNAVAILABLE.fix());
            return null;
        }
        boolean pipelineDoor = rc.request().path().startsWith(PIPELINES_PATH);
        ExportedService other = null;
        for (ExportedService s : d.services()) {
            if (s.id().equals(id)) {
                if (isPipeline(s) == pipelineDoor) {
                    return s;
                }
                other = s;
            }
        }
        String what = pipelineDoor ? "no pipeline is named '" + id + "'" : "no service has id '" + id + "'";
        String fix = other != null
                ? "'" + id + "' is a " + other.kind() + "; call it with POST "
                        + (isPipeline(other) ? PIPELINES_PATH : SERVICES_PATH) + id
                : pipelineDoor ? "check the name against GET /v1/pipelines" : FailureCode.UNKNOWN_SERVICE.fix();
        HttpGateway.error(rc, FailureCode.UNKNOWN_SERVICE, what + "; " + fix);
        return null;
    }

    private static boolean isPipeline(ExportedService s) {
        return ServiceKind.PIPELINE.id().equals(s.kind());
    }

    private void call(RoutingContext rc, ExportedService service, JsonObject body) {
        String id = service.id();
        if (EventStreamCall.requested(rc)) {
            EventStreamCall.start(vertx, rc, id, service.address(), body, timeoutMs);
            return;
        }
        // the call carries the client's deadline and a cancel token, published if the client disconnects
        vertx.eventBus()
                .<Object>request(
                        service.address(),
                        body,
                        TraceHeaders.copy(
                                rc.request().headers(), CallOptions.of(ClientCancellation.watch(vertx, rc), timeoutMs)))
                .onComplete(ar -> {
                    if (rc.response().closed()) {
                        return; // the client went away; the service's answer has nowhere to go
                    }
                    if (ar.succeeded()) {
                        Object reply = ar.result().body();
                        if (PngAnswer.requested(rc) && reply instanceof JsonObject o) {
                            PngAnswer.end(rc, id, o);
                            return;
                        }
                        HttpGateway.json(
                                rc,
                                200,
                                reply instanceof JsonObject o
                                        ? o
                                        : new JsonObject().put("result", String.valueOf(reply)));
                    } else {
                        fail(rc, id, ar.cause());
                    }
                });
    }

    static void fail(RoutingContext rc, String id, Throwable cause) {
        JsonObject error = errorBody(id, cause);
        if (FailureCode.OVERLOADED.name().equals(error.getString("error"))) {
            rc.response().putHeader("Retry-After", "1"); // refused at once, without running: try again shortly
        }
        HttpGateway.json(rc, error.getInteger("code"), error);
    }

    /**
     * @return the JSON error of a failed call, as {@link HttpGateway#error} writes it: the code from the platform's
     *     one failure table ({@link BusFailures}), its HTTP status ({@link FailureCode#httpStatus()})
     */
    static JsonObject errorBody(String id, Throwable cause) {
        StoaException failure = BusFailures.toStoaException(cause, id);
        FailureCode code = failure.code();
        return new JsonObject()
                .put("error", code.name())
                .put("code", code.httpStatus())
                .put("message", failure.getMessage());
    }
}
