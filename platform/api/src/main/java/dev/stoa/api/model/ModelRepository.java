package dev.stoa.api.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The platform's model repository: it watches the {@link ModelStore}, opens the versions each model's
 * {@link VersionPolicy} selects through the bundle that handles the model ({@link ModelProvider}), registers their
 * services (the new version before the old one is withdrawn, so the bus drains the old one under load), and keeps one
 * {@link ModelStatus} per model. Registered as an OSGi service by {@code dev.stoa.repository}.
 *
 * <p>Every service it registers carries {@link #MODEL_PROPERTY} and {@link #MODEL_VERSION_PROPERTY}. A model with no
 * trained version still has its services registered, as stand-ins that answer {@code UNTRAINED} (503) naming the
 * training file that makes it, or the run that is training it now.
 */
public interface ModelRepository {

    /** Service property naming the model a service belongs to. */
    String MODEL_PROPERTY = "stoa.model";

    /** Service property with the model store version a service runs (0 for an untrained stand-in). */
    String MODEL_VERSION_PROPERTY = "stoa.model.version";

    /** @return every model: those in the store and those bundles ship untrained, ordered by id */
    List<ModelInfo> models();

    /**
     * @param id a model id
     * @return the model, if the store or a bundle has it
     */
    Optional<ModelInfo> model(String id);

    /**
     * @param serviceId a service's {@code stoa.id}
     * @return the model that serves it, if a model does
     */
    Optional<ModelInfo> modelOfService(String serviceId);

    /**
     * Loads a version explicitly (Triton's repository {@code load}): it stays loaded whatever the version policy
     * says, until {@link #unload} or a restart. Waits until it serves or failed.
     *
     * @param id the model id
     * @param version the version, or empty for the newest published one
     * @return the model after the load
     * @throws dev.stoa.api.StoaException {@code UNKNOWN_SERVICE} for an unknown model or version, {@code INTERNAL}
     *     or the provider's own code when it cannot be opened
     */
    ModelInfo load(String id, OptionalInt version);

    /**
     * Unloads a version explicitly (Triton's repository {@code unload}); the policy does not load it again until
     * {@link #load} or a restart. The next loaded version, if any, takes over its service ids first.
     *
     * @param id the model id
     * @param version the version, or empty for every version of the model
     * @return the model after the unload
     * @throws dev.stoa.api.StoaException {@code UNKNOWN_SERVICE} for an unknown model
     */
    ModelInfo unload(String id, OptionalInt version);
}
