package dev.stoa.gateway.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the HTTP gateway, PID {@code dev.stoa.gateway} ({@code etc/dev.stoa.gateway.cfg}). */
@ObjectClassDefinition(name = "Stoa HTTP gateway")
public @interface GatewayConfig {

    @AttributeDefinition(description = "Address to bind; 127.0.0.1 keeps the API on this machine")
    String host() default "127.0.0.1";

    @AttributeDefinition(
            description = "TCP port; 0 picks a free one, -1 means 8080. The environment variable"
                    + " STOA_HTTP_PORT, then the framework property stoa.http.port, win over this when set")
    int port() default -1;

    @AttributeDefinition(description = "Service ids that must be available before /health/ready answers 200")
    String[] requiredServices() default {};

    @AttributeDefinition(description = "Largest request body accepted, in bytes; larger ones get 413")
    long maxBodyBytes() default 16L * 1024 * 1024;

    @AttributeDefinition(
            description = "Longest the gateway waits for a service's answer, in ms (the bus's own"
                    + " call timeout usually answers first)")
    long callTimeoutMs() default 60_000;

    @AttributeDefinition(
            description = "Bearer token that acts as an admin API key (bundles, model loads, commands, trainings);"
                    + " kept for existing setups: prefer a key with the admin scope in etc/keys.properties",
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String managementToken() default "";

    @AttributeDefinition(
            description = "Host names (and addresses) the Host header may carry, besides loopback names and the bound"
                    + " address; * allows any (turns the DNS-rebinding guard off)")
    String[] allowedHosts() default {};

    @AttributeDefinition(
            description = "Origins (scheme://host:port) whose web pages may call the API cross-origin; * allows any."
                    + " None: cross-origin requests are refused")
    String[] corsOrigins() default {};

    @AttributeDefinition(
            description = "PEM file of the server's certificate chain (the server's certificate first); with"
                    + " tlsKeyFile it turns TLS on (https only). Relative paths are read from the installation folder,"
                    + " e.g. etc/tls/cert.pem")
    String tlsCertFile() default "";

    @AttributeDefinition(description = "PEM file of the private key of tlsCertFile (PKCS#8 or PKCS#1, not encrypted)")
    String tlsKeyFile() default "";

    @AttributeDefinition(
            description = "Seconds a connection may stay silent (nothing read, nothing written) before it is"
                    + " closed; keep it above callTimeoutMs. 0 turns it off")
    int idleTimeoutSeconds() default 120;

    @AttributeDefinition(
            description = "Longest time from a request's headers to the last byte of its body, in ms; a body that"
                    + " stalls longer is answered 408 and its connection closed. 0 turns it off")
    long requestTimeoutMs() default 30_000;

    @AttributeDefinition(
            description = "Most connections open at once; a connection over it is closed as soon as it is"
                    + " accepted. 0 turns the cap off")
    int maxConnections() default 1000;

    @AttributeDefinition(
            description = "Whether HTTP/2 is offered: in clear text by h2c upgrade or prior knowledge, over TLS"
                    + " by ALPN; HTTP/1.1 only when false")
    boolean http2() default false;
}
