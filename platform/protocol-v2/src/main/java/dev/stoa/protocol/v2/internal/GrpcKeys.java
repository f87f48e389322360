package dev.stoa.protocol.v2.internal;

import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateway's API keys on the gRPC port: a call carries {@code authorization: Bearer <key>} in its metadata (or none,
 * acting as the anonymous loopback client where the operator allows it, as over HTTP) and needs the {@code call}
 * scope; every v2 RPC only reads. A key limited to some services is refused here, as on the gateway's mounted
 * fronts: the model a call names is in its message, which this check does not read. Refusals are
 * {@code UNAUTHENTICATED} or {@code PERMISSION_DENIED} and are counted at the door {@code grpc}.
 */
final class GrpcKeys implements ServerInterceptor {

    static final String DOOR = "grpc";
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Supplier<Authenticator> keys;

    GrpcKeys(Supplier<Authenticator> keys) {
        this.keys = keys;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Authenticator authenticator = keys.get();
        if (authenticator == null) {
            return refuse(call, null, "unavailable", Status.UNAVAILABLE, "the platform's API keys are not running");
        }
        String header = headers.get(AUTHORIZATION);
        Optional<Principal> principal;
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return refuse(
                        call,
                        authenticator,
                        "unknown_key",
                        Status.UNAUTHENTICATED,
                        "the authorization metadata must be 'Bearer <key>'");
            }
            principal = authenticator.authenticate(header.substring(7).strip());
            if (principal.isEmpty()) {
                return refuse(
                        call,
                        authenticator,
                        "unknown_key",
                        Status.UNAUTHENTICATED,
                        "the API key in the authorization metadata is not known (revoked, or mistyped)");
            }
        } else {
            principal = authenticator.anonymous(remoteHost(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
            if (principal.isEmpty()) {
                return refuse(
                        call,
                        authenticator,
                        "missing_key",
                        Status.UNAUTHENTICATED,
                        "the gRPC port needs an API key: send the metadata 'authorization: Bearer <key>' (create"
                                + " one with bin/stoa key add <name> --scopes call)");
            }
        }
        Principal p = principal.get();
        if (!authenticator.allows(p, Authenticator.CALL, null)) {
            return refuse(
                    call, authenticator, "scope", Status.PERMISSION_DENIED, "the key '" + p.name() + "' has no scope");
        }
        if (!p.services().isEmpty()) {
            return refuse(
                    call,
                    authenticator,
                    "service",
                    Status.PERMISSION_DENIED,
                    "the key '" + p.name() + "' may call only " + p.services() + "; the gRPC port serves every model,"
                            + " so it takes keys without a services= list");
        }
        return next.startCall(call, headers);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(
            ServerCall<Q, R> call, Authenticator authenticator, String reason, Status status, String message) {
        if (authenticator != null) {
            authenticator.refused(DOOR, reason);
        }
        call.close(status.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /** @return the client's IP address as text, or {@code null} */
    static String remoteHost(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : null;
    }
}
