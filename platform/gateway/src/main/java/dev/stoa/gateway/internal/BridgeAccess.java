package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The TCP bridge's API-key check, run on every frame that sends, publishes or registers: the key travels in the
 * frame's {@code headers} as {@code "Authorization": "Bearer <key>"} (the one header a client sets for Stoa, so the
 * same key as on HTTP works), is taken out of the headers before the message goes on (services never see it), and
 * must allow the scope the address needs: {@code write} for a service that declares {@code stoa.writes}, else
 * {@code call}; a key's {@code services=} list applies to the id in the address. A loopback client without a key
 * acts anonymously (scope call) only where the operator allows it ({@code anonymousLoopback}).
 *
 * <p>A refused {@code send} that has a {@code replyAddress} is answered on it as a failed reply (a {@code message}
 * frame with {@code failureCode} and {@code message}, as a service's failure arrives), so the client can tell which
 * request it was and why; the bridge then also sends its own {@code err} frame.
 */
final class BridgeAccess implements Handler<BridgeEvent> {

    static final String DOOR = "bridge";

    private final Supplier<Authenticator> authenticator;
    private final Predicate<String> writes;

    BridgeAccess(Supplier<Authenticator> authenticator, Predicate<String> writes) {
        this.authenticator = authenticator;
        this.writes = writes;
    }

    @Override
    public void handle(BridgeEvent event) {
        BridgeEventType type = event.type();
        if (type != BridgeEventType.SEND && type != BridgeEventType.PUBLISH && type != BridgeEventType.REGISTER) {
            event.complete(true);
            return;
        }
        JsonObject frame = event.getRawMessage();
        String denied = check(
                frame,
                event.socket().remoteAddress() == null
                        ? null
                        : event.socket().remoteAddress().hostAddress());
        if (denied == null) {
            event.complete(true);
            return;
        }
        String replyAddress = frame == null ? null : frame.getString("replyAddress");
        FailureCode code = denied.startsWith("401:") ? FailureCode.UNAUTHORIZED : FailureCode.FORBIDDEN;
        if (replyAddress != null && type == BridgeEventType.SEND) {
            JsonObject reply = new JsonObject()
                    .put("type", "message")
                    .put("address", replyAddress)
                    .put("failureCode", code.code())
                    .put("failureType", "RECIPIENT_FAILURE")
                    .put("message", code.name() + ": " + denied.substring(4));
            byte[] json = reply.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            event.socket().write(Buffer.buffer().appendInt(json.length).appendBytes(json));
        }
        event.complete(false);
    }

    /**
     * Checks a frame and takes its key out of its headers.
     *
     * @return {@code null} when it may go on, else {@code "401:"} or {@code "403:"} and the reason
     */
    String check(JsonObject frame, String remoteHost) {
        Authenticator keys = authenticator.get();
        JsonObject headers = frame == null ? null : frame.getJsonObject("headers");
        String header = null;
        if (headers != null) {
            for (String name : headers.fieldNames().toArray(String[]::new)) {
                if (name.equalsIgnoreCase("Authorization")) {
                    Object v = headers.remove(name);
                    header = v == null ? null : String.valueOf(v);
                }
            }
        }
        Optional<Principal> principal;
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                keys.refused(DOOR, "unknown_key");
                return "401:the frame's headers.Authorization must be 'Bearer <key>'";
            }
            principal = keys.authenticate(header.substring(7).strip());
            if (principal.isEmpty()) {
                keys.refused(DOOR, "unknown_key");
                return "401:the API key in headers.Authorization is not known (revoked, or mistyped)";
            }
        } else {
            principal = keys.anonymous(remoteHost);
            if (principal.isEmpty()) {
                keys.refused(DOOR, "missing_key");
                return "401:the bridge needs an API key: put \"Authorization\": \"Bearer <key>\" in the frame's"
                        + " headers (create one with bin/stoa key add <name> --scopes call)";
            }
        }
        Principal p = principal.get();
        String address = frame.getString("address");
        String id = WriteServices.idOf(address);
        String scope = writes.test(id) ? Authenticator.WRITE : Authenticator.CALL;
        if (!keys.allows(p, scope, null)) {
            keys.refused(DOOR, "scope");
            return "403:" + address + " needs the '" + scope + "' scope"
                    + (Authenticator.WRITE.equals(scope) ? " (its service declares stoa.writes)" : "")
                    + "; the key '" + p.name() + "' has " + String.join(",", p.scopes());
        }
        if (!keys.allows(p, scope, id == null ? address : id)) {
            keys.refused(DOOR, "service");
            return "403:the key '" + p.name() + "' may call only " + String.join(", ", p.services()) + ", not "
                    + address;
        }
        return null;
    }
}
