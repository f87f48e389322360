package dev.stoa.api.model;

import java.util.List;

/**
 * One published version of a model, as the repository sees it.
 *
 * @param number the version number in the model store, from 1
 * @param status {@code READY} when loaded; {@code LOADING}, {@code FAILED} (with the reason) or {@code GONE} (not
 *     loaded: the policy does not select it, or it was unloaded)
 * @param serving whether this version answers the model's plain service ids (the newest loaded version does)
 * @param services the service ids this version is registered under
 */
public record ModelVersionInfo(int number, ModelStatus status, boolean serving, List<String> services) {

    public ModelVersionInfo {
        services = List.copyOf(services);
    }
}
