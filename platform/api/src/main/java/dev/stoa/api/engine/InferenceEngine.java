package dev.stoa.api.engine;

import java.nio.file.Path;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way to run an exported graph. Registered as an OSGi service with the property {@code stoa.engine} equal to
 * {@link #name()}; an engine whose native libraries or device are missing is still registered, and says why in
 * {@link #unavailableReason()}, so that the platform can report it and fall back.
 */
@ConsumerType
public interface InferenceEngine {

    /** Service property holding the engine's {@link #name()}. */
    String NAME_PROPERTY = "stoa.engine";

    /** @return the engine's name as configurations write it, e.g. {@code onnxruntime-cpu}, {@code tensorrt} */
    String name();

    /**
     * @return empty when the engine can run graphs here; otherwise why not, naming what is missing and where it was
     *     looked for, e.g. {@code libnvinfer.so.11 not found in /usr/lib/x86_64-linux-gnu:/opt/tensorrt/lib (set
     *     libraryPath in etc/dev.stoa.tensorrt.cfg)}
     */
    Optional<String> unavailableReason();

    /**
     * Opens a graph for serving (for TensorRT: builds the engine, or takes it from the cache).
     *
     * @param graph the ONNX file
     * @param options precision, batch limit and shape ranges
     * @return a session; the caller closes it
     * @throws Exception when the graph cannot be opened on this engine; a {@link dev.stoa.api.StoaException} names the
     *     cause and the fix, and the platform then falls back to the next engine of the chain
     */
    EngineSession open(Path graph, EngineOptions options) throws Exception;
}
