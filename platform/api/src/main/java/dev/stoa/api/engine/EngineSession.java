package dev.stoa.api.engine;

import dev.stoa.api.tensor.TensorSignature;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** One graph opened on one engine. Thread-safe: {@link #run} may be called concurrently. */
@ProviderType
public interface EngineSession extends AutoCloseable {

    /** @return the engine's name, e.g. {@code onnxruntime-cpu} */
    String engine();

    /** @return the graph's inputs, {@code -1} for dynamic dimensions */
    List<TensorSignature.Tensor> inputs();

    /** @return the graph's outputs, {@code -1} for dynamic dimensions */
    List<TensorSignature.Tensor> outputs();

    /**
     * @param inputs every input of {@link #inputs()} by name
     * @return every output by name
     * @throws Exception a {@link dev.stoa.api.StoaException} naming the input when a name, datatype or shape does not
     *     fit the graph
     */
    Map<String, HostTensor> run(Map<String, HostTensor> inputs) throws Exception;

    /** Frees the session's native memory; called once. */
    @Override
    void close();
}
