package dev.stoa.onnxruntime.internal;

import ai.onnxruntime.OrtEnvironment;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.InferenceEngine;
import dev.stoa.djl.DjlRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * ONNX Runtime on the CPU as an {@link InferenceEngine} named {@value #NAME}: the platform opens a model version's
 * exported graphs on it when the model's engine chain names it ({@code etc/dev.stoa.repository.cfg}). Session
 * settings (threads, graph optimisation, spinning) come from {@code etc/dev.stoa.onnxruntime.engine.cfg}, as the
 * model-folder services' do; a change applies to sessions opened after it. fp16 is not offered: graphs run in fp32.
 *
 * <p>Waits for {@link DjlRuntime} with ONNX Runtime loaded: DJL creates the process's one ONNX Runtime environment
 * (platform/djl's README), which this engine then shares.
 */
@Component(
        service = InferenceEngine.class,
        configurationPid = OnnxRuntimeEngine.PID,
        property = InferenceEngine.NAME_PROPERTY + "=" + OnnxRuntimeEngine.NAME)
@Designate(ocd = OnnxRuntimeEngine.Config.class)
public final class OnnxRuntimeEngine implements InferenceEngine {

    /** The engine's name in chains. */
    static final String NAME = "onnxruntime-cpu";

    /** Its configuration PID. */
    static final String PID = "dev.stoa.onnxruntime.engine";

    /** Session settings of the graphs the engine opens. */
    @ObjectClassDefinition(name = "Stoa ONNX Runtime engine (onnxruntime-cpu)")
    public @interface Config {
        @AttributeDefinition(description = "Threads one operator may use; 0 lets ONNX Runtime choose (one per core)")
        int intraOpThreads() default 0;

        @AttributeDefinition(description = "Threads running independent operators at once; 0 lets ONNX Runtime choose")
        int interOpThreads() default 0;

        @AttributeDefinition(description = "Graph optimisation: all, extended, basic or none")
        String optimization() default "all";

        @AttributeDefinition(description = "Whether idle ONNX Runtime threads spin-wait (true) or sleep (false)")
        boolean spinning() default false;
    }

    private volatile SessionSettings settings;

    /**
     * @param djl DJL with ONNX Runtime loaded, so the environment exists and is DJL's
     * @param config the session settings
     */
    @Activate
    public OnnxRuntimeEngine(
            @Reference(target = "(" + DjlRuntime.ENGINES + "=OnnxRuntime)") DjlRuntime djl, Config config) {
        this.settings = settings(config);
    }

    /** For tests: an engine with these settings, on the environment that exists. */
    OnnxRuntimeEngine(SessionSettings settings) {
        this.settings = settings;
    }

    @Modified
    void modified(Config config) {
        this.settings = settings(config);
    }

    private static SessionSettings settings(Config config) {
        return new SessionSettings(
                config.intraOpThreads(), config.interOpThreads(), config.optimization(), config.spinning());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** ONNX Runtime's CPU provider ships in lib/ and needs no device: always available once this component runs. */
    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public EngineSession open(Path graph, EngineOptions options) {
        if (!Files.isRegularFile(graph)) {
            throw new dev.stoa.api.StoaException(
                    dev.stoa.api.FailureCode.UNAVAILABLE,
                    graph + " does not exist; export it with bin/stoa export <model> <version>");
        }
        return OrtEngineSession.open(NAME, graph, OrtEnvironment.getEnvironment(), settings);
    }
}
