package dev.stoa.protocol.v2.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the Open Inference Protocol v2 front, PID {@code dev.stoa.v2} ({@code etc/dev.stoa.v2.cfg}). */
@ObjectClassDefinition(name = "Stoa Open Inference Protocol v2")
public @interface V2Config {

    @AttributeDefinition(description = "Longest a v2 call waits for the service's answer, in ms")
    long callTimeoutMs() default 60_000;

    @AttributeDefinition(
            description = "Largest REST request body (JSON and binary tensor data) and gRPC message, in bytes;"
                    + " larger ones get 413 (REST) or RESOURCE_EXHAUSTED (gRPC)")
    long maxBodyBytes() default 64L * 1024 * 1024;

    @AttributeDefinition(description = "Whether the gRPC GRPCInferenceService listens")
    boolean grpcEnabled() default false;

    @AttributeDefinition(
            description = "Address the gRPC server binds; 127.0.0.1 keeps it on this machine (it asks for no"
                    + " credentials)")
    String grpcHost() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port of the gRPC server (8001 is Triton's)")
    int grpcPort() default 8001;
}
