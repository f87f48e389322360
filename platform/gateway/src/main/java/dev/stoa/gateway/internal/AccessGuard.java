package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The gateway's first handler, before every route (its own and every mounted {@link dev.stoa.gateway.api.HttpRoutes}
 * front-end), in this order:
 * <ol>
 *   <li><b>Host</b>: the {@code Host} must be one of the allowed names (default: loopback names and the bound
 *       address), so a page whose name was rebound to 127.0.0.1 (DNS rebinding) is refused;</li>
 *   <li><b>Origin</b>: a cross-origin request (an {@code Origin} other than the {@code Host}) is refused unless its
 *       origin is in {@code corsOrigins}; then preflights are answered and responses carry the CORS headers;</li>
 *   <li><b>Content-Type</b>: a body must say {@code application/json} (or {@code multipart/form-data}), so a web
 *       page cannot send JSON as a "simple" {@code text/plain} request without a preflight (415);</li>
 *   <li><b>API key</b>: {@code Authorization: Bearer <key>} (or the managementToken, as an admin key), or for a
 *       loopback client without an {@code Origin} the anonymous {@code call} scope when the operator allows it; the
 *       scope the route needs: {@code call} for reads and services that only read, {@code write} for services that
 *       declare {@code stoa.writes} and for trainings, {@code admin} for bundles, model loads and commands.</li>
 * </ol>
 * Every refusal is counted through {@link Authenticator#refused}. The principal is left in the routing context under
 * {@link #PRINCIPAL} for the handlers after it.
 */
final class AccessGuard implements Handler<RoutingContext> {

    /** The routing-context key of the request's {@link Principal}. */
    static final String PRINCIPAL = dev.stoa.gateway.api.HttpRoutes.PRINCIPAL;

    static final String DOOR = "http";

    private static final String CFG = "etc/dev.stoa.gateway.cfg";
    /** The OpenAI-compatible front's base path: its clients get refusals as OpenAI error objects. */
    private static final String OPENAI_BASE = "/openai/";

    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, traceparent, tracestate";

    /** What a route needs: a scope, the service or pipeline it calls (or null), and whether it is a mounted front. */
    record Need(String scope, String id, boolean front) {}

    private final Supplier<Authenticator> authenticator;
    private final byte[] managementToken;
    private final Set<String> allowedHosts;
    private final boolean anyHost;
    private final Set<String> corsOrigins;
    private final boolean anyOrigin;
    private final Predicate<String> writes;

    /**
     * @param authenticator the keys
     * @param managementToken the legacy management token (an admin credential), or empty
     * @param allowedHosts the host names the {@code Host} header may carry ({@link #allowedHosts}); "*" allows any
     * @param corsOrigins the origins allowed to call cross-origin; "*" allows any
     * @param writes whether a service or pipeline id declares that it writes
     */
    AccessGuard(
            Supplier<Authenticator> authenticator,
            String managementToken,
            Set<String> allowedHosts,
            Set<String> corsOrigins,
            Predicate<String> writes) {
        this.authenticator = authenticator;
        this.managementToken = managementToken == null ? new byte[0] : managementToken.getBytes(StandardCharsets.UTF_8);
        this.allowedHosts = Set.copyOf(allowedHosts);
        this.anyHost = allowedHosts.contains("*");
        this.corsOrigins = Set.copyOf(corsOrigins);
        this.anyOrigin = corsOrigins.contains("*");
        this.writes = writes;
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        Authenticator keys = authenticator.get();
        String host = hostOf(request);
        if (!anyHost && host != null && !allowedHosts.contains(host)) {
            refuse(
                    rc,
                    keys,
                    "host",
                    FailureCode.FORBIDDEN,
                    "Host '" + host + "' is not a name this server answers to (a guard against DNS rebinding); if"
                            + " clients reach it by that name, add it to allowedHosts in " + CFG);
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        boolean crossOrigin = origin != null && !sameOrigin(origin, request);
        if (crossOrigin) {
            if (!anyOrigin && !corsOrigins.contains(origin)) {
                refuse(
                        rc,
                        keys,
                        "origin",
                        FailureCode.FORBIDDEN,
                        "cross-origin request from '" + origin + "' refused; to let a web application there call"
                                + " the API, add its origin to corsOrigins in " + CFG + " (it still needs an API key)");
                return;
            }
            rc.response()
                    .putHeader("Access-Control-Allow-Origin", origin)
                    .putHeader("Vary", "Origin")
                    .putHeader("Access-Control-Expose-Headers", "WWW-Authenticate, traceparent");
            if (request.method() == HttpMethod.OPTIONS && request.getHeader("Access-Control-Request-Method") != null) {
                rc.response()
                        .setStatusCode(204)
                        .putHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
                        .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                        .putHeader("Access-Control-Max-Age", "600")
                        .end();
                return;
            }
        }
        String path = rc.normalizedPath();
        if (hasBody(request) && !path.startsWith("/v1/bundles")) {
            String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
            if (!readable(type)) {
                refuse(
                        rc,
                        keys,
                        "content_type",
                        FailureCode.UNSUPPORTED_MEDIA_TYPE,
                        (type == null ? "the body has no Content-Type" : "the body's Content-Type is '" + type + "'")
                                + "; send JSON with 'Content-Type: application/json' (curl: -H 'Content-Type:"
                                + " application/json'), or a form as multipart/form-data");
                return;
            }
        }
        Need need = need(request.method(), path, writes);
        if (need == null) {
            rc.next();
            return;
        }
        Optional<Principal> principal = principal(rc, keys, crossOrigin);
        if (principal == null) {
            return; // refused
        }
        Principal p = principal.get();
        if (!keys.allows(p, need.scope(), null)) {
            refuse(
                    rc,
                    keys,
                    "scope",
                    FailureCode.FORBIDDEN,
                    request.method() + " " + path + " needs the '" + need.scope() + "' scope"
                            + (need.id() != null && Authenticator.WRITE.equals(need.scope())
                                    ? " ('" + need.id() + "' changes state: it declares stoa.writes)"
                                    : "")
                            + "; " + describe(p) + " has " + String.join(",", p.scopes())
                            + fixScope(p, need.scope()));
            return;
        }
        if (need.id() != null && !keys.allows(p, need.scope(), need.id())) {
            refuse(
                    rc,
                    keys,
                    "service",
                    FailureCode.FORBIDDEN,
                    describe(p) + " may call only " + String.join(", ", p.services()) + ", not '" + need.id()
                            + "'; add it to the key's services= in etc/keys.properties");
            return;
        }
        if (need.front() && !p.services().isEmpty()) {
            refuse(
                    rc,
                    keys,
                    "service",
                    FailureCode.FORBIDDEN,
                    describe(p) + " may call only " + String.join(", ", p.services()) + "; " + path
                            + " is not a route that names one service, so a key with a services= list cannot use it;"
                            + " use a key without services=");
            return;
        }
        rc.put(PRINCIPAL, p);
        rc.next();
    }

    /** @return whether the gateway let the request through as a principal with the admin scope */
    static boolean isAdmin(RoutingContext rc) {
        Principal p = rc.get(PRINCIPAL);
        return p != null && p.scopes().contains(Authenticator.ADMIN);
    }

    /** @return the request's principal, or {@code null} after refusing it */
    private Optional<Principal> principal(RoutingContext rc, Authenticator keys, boolean crossOrigin) {
        String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                unauthorised(
                        rc,
                        keys,
                        "unknown_key",
                        "the Authorization header must be 'Bearer <key>'; create a key with bin/stoa key add");
                return null;
            }
            String token = header.substring(7).strip();
            Optional<Principal> p = keys.authenticate(token);
            if (p.isEmpty()
                    && managementToken.length > 0
                    && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), managementToken)) {
                p = Optional.of(new Principal("managementToken", ApiKeys.SCOPES, List.of()));
            }
            if (p.isEmpty()) {
                unauthorised(
                        rc,
                        keys,
                        "unknown_key",
                        "the API key is not known (revoked, or mistyped); ask the operator for a key (bin/stoa key add"
                                + " <name> --scopes call), or on this machine use the admin key in data/local-admin.key");
                return null;
            }
            return p;
        }
        Optional<Principal> anonymous = Optional.empty();
        if (!crossOrigin && rc.request().remoteAddress() != null) {
            // a web page never acts anonymously, even from this machine: anonymous access is for local tools
            anonymous = keys.anonymous(rc.request().remoteAddress().hostAddress());
        }
        if (anonymous.isEmpty()) {
            unauthorised(
                    rc,
                    keys,
                    "missing_key",
                    rc.request().method() + " " + rc.normalizedPath() + " needs an API key: send 'Authorization:"
                            + " Bearer <key>'; create one with bin/stoa key add <name> --scopes call, or on this machine"
                            + " use the admin key in data/local-admin.key");
            return null;
        }
        return anonymous;
    }

    private static String describe(Principal p) {
        return Principal.ANONYMOUS.equals(p.name()) ? "a loopback client without a key" : "key '" + p.name() + "'";
    }

    private static String fixScope(Principal p, String scope) {
        return Principal.ANONYMOUS.equals(p.name())
                ? "; send 'Authorization: Bearer <key>' with a key that has it (on this machine: the admin key in"
                        + " data/local-admin.key; create others with bin/stoa key add <name> --scopes " + scope + ")"
                : "; add " + scope + " to the key's scopes= in etc/keys.properties, or use another key";
    }

    private void unauthorised(RoutingContext rc, Authenticator keys, String reason, String message) {
        rc.response().putHeader("WWW-Authenticate", "Bearer");
        refuse(rc, keys, reason, FailureCode.UNAUTHORIZED, message);
    }

    private static void refuse(RoutingContext rc, Authenticator keys, String reason, FailureCode code, String message) {
        keys.refused(DOOR, reason);
        if (hasBody(rc.request())) {
            // the body was not read: do not leave it for the next request on this connection
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        if (rc.normalizedPath().startsWith(OPENAI_BASE)) {
            // OpenAI's SDKs read error.message and error.type: answer them in the protocol they speak
            String type = switch (code) {
                case UNAUTHORIZED -> "authentication_error";
                case FORBIDDEN -> "permission_error";
                default -> "invalid_request_error";
            };
            HttpGateway.json(
                    rc,
                    code.httpStatus(),
                    new JsonObject()
                            .put(
                                    "error",
                                    new JsonObject()
                                            .put("message", message)
                                            .put("type", type)
                                            .putNull("param")
                                            .put("code", code.name().toLowerCase(java.util.Locale.ROOT))));
            return;
        }
        HttpGateway.error(rc, code, message);
    }

    /**
     * @return what the route needs, or {@code null} for a route open to all (the health probes)
     */
    static Need need(HttpMethod method, String path, Predicate<String> writes) {
        if (path.equals("/health/live") || path.equals("/health/ready")) {
            return null;
        }
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
        if (read && (path.equals("/console") || path.startsWith("/console/"))) {
            return null; // the web console's static files hold no data: the page asks for a key, its API calls send it
        }
        for (String door : new String[] {"/v1/services/", "/v1/pipelines/"}) {
            if (path.startsWith(door) && path.length() > door.length()) {
                String id = URLDecoder.decode(path.substring(door.length()), StandardCharsets.UTF_8);
                while (id.endsWith("/")) {
                    id = id.substring(0, id.length() - 1); // a trailing '/' must not hide the id from the check
                }
                if (read || id.contains("/")) {
                    return new Need(Authenticator.CALL, null, false);
                }
                return new Need(writes.test(id) ? Authenticator.WRITE : Authenticator.CALL, id, false);
            }
        }
        if (read) {
            return new Need(Authenticator.CALL, null, !ownPath(path));
        }
        if (path.equals("/v1/trainings") || path.startsWith("/v1/trainings/")) {
            return new Need(Authenticator.WRITE, null, false);
        }
        if (path.equals("/v1/bundles")
                || path.startsWith("/v1/bundles/")
                || path.startsWith("/v1/commands/")
                || path.startsWith("/v1/models/")) {
            return new Need(Authenticator.ADMIN, null, false);
        }
        return new Need(Authenticator.CALL, null, !ownPath(path));
    }

    private static boolean ownPath(String path) {
        return path.equals("/v1")
                || path.startsWith("/v1/")
                || path.startsWith("/health")
                || path.equals("/metrics")
                || path.equals("/openapi.json")
                || path.equals("/");
    }

    /** @return whether the request carries a body (a length over 0, or chunked) */
    static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.strip().equals("0");
        }
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /**
     * @return whether a body of this Content-Type is one the gateway reads: JSON, a multipart form, or binary
     *     ({@code application/octet-stream}: the Open Inference Protocol's binary tensor data). A browser sends
     *     {@code text/plain} and form-encoded bodies cross-origin without asking first; those are refused, while
     *     JSON and binary bodies make it ask (a preflight), which the Origin check answers.
     */
    static boolean readable(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json")
                || media.endsWith("+json")
                || media.equals("multipart/form-data")
                || media.equals("application/octet-stream");
    }

    /** @return the host name of the request's Host (or HTTP/2 :authority), lower case, without port or brackets */
    static String hostOf(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority == null) {
            return null;
        }
        return normaliseHost(authority.host());
    }

    static String normaliseHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("0:0:0:0:0:0:0:1") ? "::1" : h;
    }

    /** @return whether the Origin names the same host and port the request was sent to */
    static boolean sameOrigin(String origin, HttpServerRequest request) {
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null || "null".equals(origin)) {
            return false;
        }
        int scheme = origin.indexOf("://");
        return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host.strip());
    }

    /**
     * @param bound the address the server binds
     * @param configured the operator's {@code allowedHosts}
     * @return the host names a request's Host may carry: loopback names, the bound address (and, for a wildcard
     *     bind, this machine's addresses and name), and the configured ones
     */
    static Set<String> allowedHosts(String bound, List<String> configured) {
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        String b = normaliseHost(bound);
        if (b.equals("0.0.0.0") || b.equals("::") || b.equals("0:0:0:0:0:0:0:0")) {
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        String address = a.getHostAddress();
                        int zone = address.indexOf('%');
                        hosts.add(normaliseHost(zone < 0 ? address : address.substring(0, zone)));
                    }
                }
                hosts.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
            } catch (SocketException | java.net.UnknownHostException | RuntimeException e) {
                // only the configured names then
            }
        } else {
            hosts.add(b);
        }
        configured.stream()
                .map(AccessGuard::normaliseHost)
                .filter(h -> !h.isEmpty())
                .forEach(hosts::add);
        return hosts;
    }

    /**
     * Refuses to expose the API without keys: binding an address other than loopback needs at least one key in
     * etc/keys.properties.
     *
     * @throws IllegalStateException naming why and the fix
     */
    static void requireKeysToExpose(String what, String host, String cfg, boolean keysConfigured) {
        if (keysConfigured || isLoopbackHost(host)) {
            return;
        }
        throw new IllegalStateException(
                what + " refuses to listen on " + host + " (" + cfg + "): that opens it to the network, and no API"
                        + " key is configured, so anyone who reaches the port could call, write and delete. Add a key"
                        + " (bin/stoa key add <name> --scopes call; keys live in etc/keys.properties), or bind"
                        + " host = 127.0.0.1");
    }

    static boolean isLoopbackHost(String host) {
        String h = normaliseHost(host);
        return h.equals("localhost") || ManagementAccess.isLoopback(h);
    }
}
