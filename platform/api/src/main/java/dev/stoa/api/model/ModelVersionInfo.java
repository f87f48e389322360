package dev.stoa.api.model;

import dev.stoa.api.engine.EngineChoice;
import java.util.List;

/**
 * One published version of a model, as the repository sees it.
 *
 * @param number the version number in the model store, from 1
 * @param status {@code READY} when loaded; {@code LOADING}, {@code FAILED} (with the reason) or {@code GONE} (not
 *     loaded: the policy does not select it, or it was unloaded)
 * @param serving whether this version answers the model's plain service ids (the newest loaded version does)
 * @param services the service ids this version is registered under
 * @param engine the engine it serves on and why, or {@code null} while it is not loaded
 * @param export what became of its ONNX export ({@code exported model.image.onnx, model.text.onnx}, or why it
 *     failed), or {@code null} when none was tried
 */
public record ModelVersionInfo(
        int number, ModelStatus status, boolean serving, List<String> services, EngineChoice engine, String export) {

    public ModelVersionInfo {
        services = List.copyOf(services);
    }

    /**
     * A version with no engine or export known.
     *
     * @param number the version number
     * @param status its status
     * @param serving whether it answers the plain service ids
     * @param services its service ids
     */
    public ModelVersionInfo(int number, ModelStatus status, boolean serving, List<String> services) {
        this(number, status, serving, services, null, null);
    }
}
