package dev.stoa.api.security;

import java.util.List;
import java.util.Set;

/**
 * Who a request comes from: the name of its API key, what the key's scopes allow, and which services and pipelines
 * it may call.
 *
 * @param name the key's name in {@code etc/keys.properties} (never the key itself), e.g. {@code ci-indexer}; for a
 *     loopback client without a key {@link #ANONYMOUS}
 * @param scopes the key's scopes, a subset of {@code call}, {@code write}, {@code admin}
 * @param services the ids of the services and pipelines the key may call, each exact or ending in {@code *} (a
 *     prefix); empty means every one
 */
public record Principal(String name, Set<String> scopes, List<String> services) {

    /** The name of a loopback client that sent no key, where the operator allows that ({@code anonymousLoopback}). */
    public static final String ANONYMOUS = "anonymous-loopback";

    /** Copies the collections, so a principal never changes. */
    public Principal {
        scopes = Set.copyOf(scopes);
        services = List.copyOf(services);
    }
}
