package dev.stoa.api.security;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The platform's API keys, as an OSGi service: every door that accepts requests (the HTTP gateway and what it
 * mounts, the TCP bridge, a gRPC front on its own port) asks this one service who a request comes from and whether
 * it may do what it asks, so one key works, and one revocation holds, everywhere.
 *
 * <p>Scopes nest: {@link #ADMIN} allows what {@link #WRITE} allows, which allows what {@link #CALL} allows. A door
 * reads the key from {@code Authorization: Bearer <key>} (or its protocol's equivalent), calls
 * {@link #authenticate(String)}, falls back to {@link #anonymous(String)} when the request carries no key, and asks
 * {@link #allows} with the scope the operation needs: {@link #WRITE} for a service registered with
 * {@link dev.stoa.api.ServiceProperties#WRITES}, else {@link #CALL}. Every refusal is reported to
 * {@link #refused(String, String)}, which counts it for {@code /metrics}.
 */
@ProviderType
public interface Authenticator {

    /** Call services and pipelines that only read, and read the platform's state ({@code GET} routes). */
    String CALL = "call";

    /** Also call services that change state ({@link dev.stoa.api.ServiceProperties#WRITES}) and start trainings. */
    String WRITE = "write";

    /** Also manage the platform: bundles, model loads, commands. */
    String ADMIN = "admin";

    /**
     * @param bearerToken the key as the client sent it, without the {@code Bearer } prefix
     * @return who the key belongs to, or empty when it is unknown or revoked
     */
    Optional<Principal> authenticate(String bearerToken);

    /**
     * @param principal who asks
     * @param scope the scope the operation needs: {@link #CALL}, {@link #WRITE} or {@link #ADMIN}
     * @param serviceOrPipelineId the service or pipeline called, or {@code null} for an operation that calls none
     * @return whether the principal's scopes include {@code scope} and its service list (if any) names the id
     */
    boolean allows(Principal principal, String scope, String serviceOrPipelineId);

    /**
     * A request without a key.
     *
     * @param remoteHost the client's IP address as text
     * @return the principal such a request acts as: {@link Principal#ANONYMOUS} with the {@link #CALL} scope for a
     *     loopback client when the operator allows it ({@code anonymousLoopback = true}), else empty (refuse with 401)
     */
    Optional<Principal> anonymous(String remoteHost);

    /** @return whether the operator has configured at least one key (the local operator's key does not count) */
    boolean keysConfigured();

    /**
     * Counts a refusal, for {@code /metrics} ({@code stoa_auth_refusals_total{door,reason}}).
     *
     * @param door where it was refused, e.g. {@code http}, {@code bridge}, {@code grpc}
     * @param reason why, e.g. {@code missing_key}, {@code unknown_key}, {@code scope}, {@code service}, {@code host},
     *     {@code origin}, {@code content_type}
     */
    void refused(String door, String reason);
}
