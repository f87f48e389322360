package dev.stoa.api.model;

import dev.stoa.api.engine.EngineChoice;
import java.util.List;
import java.util.Optional;

/**
 * A model as the repository lists it ({@code GET /v1/models}).
 *
 * @param id the model id, e.g. {@code clip-tiny}
 * @param status the model's status: {@code READY} when a version serves; else why not
 * @param policy its version policy
 * @param versions its published versions, oldest first (empty for a model its bundle ships untrained)
 * @param services the service ids it serves (or would serve once trained), e.g. {@code clip-tiny-image}
 * @param bundle symbolic name of the bundle that opens it, or {@code null} when none does
 */
public record ModelInfo(
        String id,
        ModelStatus status,
        VersionPolicy policy,
        List<ModelVersionInfo> versions,
        List<String> services,
        String bundle) {

    public ModelInfo {
        versions = List.copyOf(versions);
        services = List.copyOf(services);
    }

    /** @return the version that serves the plain service ids, or 0 when none does */
    public int servingVersion() {
        return versions.stream()
                .filter(ModelVersionInfo::serving)
                .mapToInt(ModelVersionInfo::number)
                .findFirst()
                .orElse(0);
    }

    /** @return the engine the serving version runs on and why, empty when no version serves */
    public Optional<EngineChoice> servingEngine() {
        return versions.stream()
                .filter(ModelVersionInfo::serving)
                .map(ModelVersionInfo::engine)
                .filter(java.util.Objects::nonNull)
                .findFirst();
    }
}
