/**
 * Who may call what: API keys with scopes ({@link dev.stoa.api.security.Authenticator#CALL},
 * {@link dev.stoa.api.security.Authenticator#WRITE}, {@link dev.stoa.api.security.Authenticator#ADMIN}), checked by
 * the one {@link dev.stoa.api.security.Authenticator} service, so that every door (HTTP, the TCP bridge, gRPC)
 * accepts the same keys and refuses the same requests.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.stoa.api.security;
