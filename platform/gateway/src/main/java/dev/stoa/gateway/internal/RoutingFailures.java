package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's failure handler: what a route failed with, as the JSON error every other answer uses. Vert.x Web
 * fails a route with a client status of its own (400 for a path that is not valid percent-encoding, such as
 * {@code /v1/services/%ZZ}; 413 for a body over the limit; 415, 405...): those are the client's errors and are
 * answered with that status, never as {@code INTERNAL}. A {@link StoaException} keeps its code. Only what is left,
 * a bug, is {@code INTERNAL} (500), and logged.
 */
final class RoutingFailures {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingFailures.class);

    private RoutingFailures() {}

    /**
     * @param rc the failed route's context
     * @param maxBodyBytes the body limit, for the 413 message
     */
    static void handle(RoutingContext rc, long maxBodyBytes) {
        if (rc.response().ended()) {
            return;
        }
        int status = rc.statusCode();
        if (status == 413) {
            HttpGateway.error(
                    rc,
                    FailureCode.TOO_LARGE,
                    "the request body is over " + maxBodyBytes + " bytes;"
                            + " send less, or raise maxBodyBytes in etc/dev.stoa.gateway.cfg");
            return;
        }
        if (rc.failure() instanceof StoaException e) {
            HttpGateway.error(rc, e.code(), e.getMessage());
            return;
        }
        if (status >= 400 && status < 500) {
            String why = rc.failure() == null || rc.failure().getMessage() == null
                    ? ""
                    : " (" + rc.failure().getMessage() + ")";
            HttpGateway.error(
                    rc,
                    status,
                    status == 400 ? FailureCode.BAD_INPUT.name() : "HTTP_" + status,
                    "the request to " + rc.request().method() + " "
                            + rc.request().path() + " is malformed" + why
                            + "; percent-encode paths as RFC 3986 says and send a JSON body");
            return;
        }
        LOG.error("HTTP {} {} failed", rc.request().method(), rc.request().path(), rc.failure());
        HttpGateway.error(rc, FailureCode.INTERNAL, String.valueOf(rc.failure()));
    }
}
