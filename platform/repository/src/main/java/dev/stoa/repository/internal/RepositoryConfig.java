package dev.stoa.repository.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the model repository, PID {@code dev.stoa.repository} ({@code etc/dev.stoa.repository.cfg}). */
@ObjectClassDefinition(name = "Stoa model repository")
public @interface RepositoryConfig {

    @AttributeDefinition(
            description =
                    "Version policy of every model not named in policies: latest, latest:N, all" + " or specific:N,M")
    String defaultPolicy() default "latest";

    @AttributeDefinition(
            description = "Version policy per model, as model=policy entries separated by ';',"
                    + " e.g. clip-tiny=all; gpt-scene-qa=specific:1,3")
    String[] policies() default {};

    @AttributeDefinition(description = "How often the model store is scanned for new versions, in ms")
    long pollMs() default 1000;

    @AttributeDefinition(description = "How long a version that failed to open waits before it is tried again, in ms")
    long retryFailedMs() default 10_000;

    @AttributeDefinition(
            description = "Call each newly opened version once with its services' warm-up inputs" + " before it serves")
    boolean warmUp() default true;

    @AttributeDefinition(
            description = "Engine chain of every model not named in engines: engine names separated by commas, tried"
                    + " in order (pytorch, onnxruntime-cpu, tensorrt)")
    String engine() default "pytorch";

    @AttributeDefinition(
            description = "Engine chain per model, as model=chain entries separated by ';', e.g."
                    + " clip-tiny=tensorrt, onnxruntime-cpu, pytorch")
    String[] engines() default {};

    @AttributeDefinition(
            description = "Export the ONNX graphs of each version when it is first opened, if its model can (written"
                    + " next to it in data/models/<id>/<n>/)")
    boolean exportOnnx() default true;
}
