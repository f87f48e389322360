package dev.stoa.api.model;

import java.util.Set;

/**
 * What a model bundle implements to have the platform serve its models (the pattern of openHAB's
 * {@code BaseThingHandlerFactory}): which model ids it handles, which it ships untrained, and how to open one
 * version. Watching the store, the version policy, registering and withdrawing services in the right order, draining,
 * warm-up and status are the {@link ModelRepository}'s. Register an implementation as an OSGi service; the services
 * of the models it opens are registered in its bundle's name.
 */
public interface ModelProvider {

    /**
     * @param modelId a model id of the store, e.g. {@code clip-tiny}
     * @return whether this provider opens that model's versions (e.g. every id starting with {@code clip-})
     */
    boolean handles(String modelId);

    /**
     * @return the model ids this bundle ships without trained weights (its variants); each is listed as
     *     {@code UNTRAINED} until the store has a version, and its services answer {@code UNTRAINED} meanwhile
     */
    default Set<String> shipped() {
        return Set.of();
    }

    /**
     * Opens a version, or the shipped model (whose services the repository registers as stand-ins answering
     * {@code UNTRAINED}; it is closed right after their types are known).
     *
     * @param source the version folder, or the shipped model
     * @return the opened model and its services
     * @throws Exception when it cannot be opened: a {@link dev.stoa.api.StoaException} whose message names what is
     *     missing and the fix; the version is then {@code FAILED} with that message and tried again later
     */
    OpenedModel open(ModelSource source) throws Exception;
}
