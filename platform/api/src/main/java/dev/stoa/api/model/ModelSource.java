package dev.stoa.api.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a {@link ModelProvider} is asked to open: a published version folder of the model store, or (version 0, no
 * folder) the model as its bundle ships it, untrained.
 *
 * @param modelId the model id, e.g. {@code clip-tiny}
 * @param version the store version, or 0 for the shipped, untrained model
 * @param folder the version's folder ({@code data/models/<id>/<n>/}), or {@code null} for the shipped model
 */
public record ModelSource(String modelId, int version, Path folder) {

    /**
     * @param modelId the model id
     * @return the shipped, untrained model
     */
    public static ModelSource shipped(String modelId) {
        return new ModelSource(modelId, 0, null);
    }

    /**
     * @param version a published version
     * @return that version
     */
    public static ModelSource of(ModelStore.Version version) {
        return new ModelSource(version.id(), version.number(), version.path());
    }

    /** @return whether this is a trained, published version */
    public boolean trained() {
        return folder != null;
    }

    /** @return the version folder, empty for the shipped model */
    public Optional<Path> versionFolder() {
        return Optional.ofNullable(folder);
    }
}
