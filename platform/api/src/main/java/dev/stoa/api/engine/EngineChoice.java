package dev.stoa.api.engine;

/**
 * Which engine serves a model, and why: shown by {@code /v1/models} and {@code /v1/services}.
 *
 * @param engine the engine that serves, e.g. {@code onnxruntime-cpu}, or {@code pytorch} for the model's own path
 * @param reason why this one and not the engines before it in the chain, e.g. {@code tensorrt unavailable:
 *     libnvinfer.so.11 not found in /usr/lib; serving on onnxruntime-cpu}; for the chain's first engine, the chain
 */
public record EngineChoice(String engine, String reason) {

    /** The engine name of the model bundle's own DJL path. */
    public static final String PYTORCH = "pytorch";
}
