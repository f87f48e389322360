package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may change the running server (start a training, run a command): on the gateway, whoever its {@link AccessGuard}
 * let through (a key with the write scope for trainings, admin for commands); where the routes are served without
 * the guard (unit tests), the holder of the management token when one is configured, else loopback clients.
 */
final class ManagementAccess {

    private final BundleManagement management;
    private final boolean tokenSet;

    /**
     * @param management checks the bearer token
     * @param tokenSet whether {@code managementToken} is configured
     */
    ManagementAccess(BundleManagement management, boolean tokenSet) {
        this.management = management;
        this.tokenSet = tokenSet;
    }

    /**
     * @param rc the request; answered with 401/403 when it may not
     * @param what the action, for the message ("starting or cancelling training")
     * @return whether the request may go on
     */
    boolean allowed(RoutingContext rc, String what) {
        if (rc.get(AccessGuard.PRINCIPAL) != null) {
            return true; // the gateway's AccessGuard has checked the scope this route needs (write or admin)
        }
        if (tokenSet) {
            return management.authorised(rc);
        }
        if (rc.request().remoteAddress() != null
                && isLoopback(rc.request().remoteAddress().host())) {
            return true;
        }
        HttpGateway.error(
                rc,
                FailureCode.FORBIDDEN,
                what + " from another machine needs managementToken in"
                        + " etc/dev.stoa.gateway.cfg and 'Authorization: Bearer <token>'");
        return false;
    }

    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1")
                || host.equals("0:0:0:0:0:0:0:1")
                || host.equals("::1")
                || host.startsWith("127.");
    }
}
