package dev.stoa.tensorrt.internal;

import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * TensorRT and CUDA once their libraries have loaded. The one implementation, {@link JavaCppBackend}, is the only way
 * into the JavaCPP presets, so that {@link TensorRtEngine} loads and reports its state without them.
 */
interface Backend {

    /** Thrown when a cached engine does not deserialize (another TensorRT build, or damaged): rebuild it. */
    final class StaleEngineException extends IOException {
        private static final long serialVersionUID = 1L;

        StaleEngineException(String message) {
            super(message);
        }
    }

    /** @return the loaded TensorRT's version, e.g. {@code 11.2.1} */
    String tensorRtVersion();

    /** @return the device's compute capability, e.g. {@code 9.0} */
    String computeCapability();

    /** @return the device's name, e.g. {@code NVIDIA H100 80GB HBM3} */
    String deviceName();

    /**
     * Builds a serialized engine.
     *
     * @param onnx the graph
     * @param precision its precision
     * @param options batch limit and shape ranges
     * @param contexts how many execution contexts will run it at once: the engine gets one identical optimisation
     *     profile per context, since contexts in concurrent use must not share a profile
     * @param workspaceBytes the builder's workspace limit; 0 for TensorRT's default
     * @param out where the engine's bytes go
     */
    void build(
            Path onnx, Precision precision, EngineOptions options, int contexts, long workspaceBytes, FileChannel out)
            throws IOException;

    /**
     * @param engineFile a serialized engine
     * @param instances execution contexts to pool
     * @return a session on it
     * @throws StaleEngineException when the file does not deserialize
     */
    EngineSession open(Path engineFile, int instances) throws IOException;
}
