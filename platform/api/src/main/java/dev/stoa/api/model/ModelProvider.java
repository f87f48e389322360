package dev.stoa.api.model;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineGraphs;
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

    /**
     * Opens a trained version to serve on another engine than the bundle's own PyTorch path: on the sessions of its
     * exported graphs ({@code model.onnx}, or {@code model.<graph>.onnx} each), which the platform opened on the
     * engine its chain chose ({@code engines} in {@code etc/dev.stoa.repository.cfg}). The services must answer as
     * {@link #open(ModelSource)}'s do. The platform closes the sessions after the returned model is closed.
     *
     * <p>The default refuses: a bundle that does not override it serves on {@code pytorch} only, and the platform
     * falls back to the next engine of the chain, saying why.
     *
     * @param source the version folder
     * @param graphs the version's graphs, opened on the chosen engine
     * @return the opened model and its services
     * @throws Exception when it cannot be served on these sessions; the platform then falls back along the chain
     */
    default OpenedModel open(ModelSource source, EngineGraphs graphs) throws Exception {
        throw new StoaException(
                FailureCode.UNAVAILABLE,
                "the bundle that serves " + source.modelId() + " serves it on pytorch only, not on "
                        + graphs.choice().engine());
    }
}
