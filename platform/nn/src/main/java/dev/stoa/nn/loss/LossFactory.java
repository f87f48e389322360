package dev.stoa.nn.loss;

import java.util.Map;

/**
 * Makes a {@link TrainingLoss} for one model. Registered as an OSGi service with {@code stoa.id} (the name a
 * training file uses, e.g. {@code clip}) and {@code stoa.kind=loss}. A factory rather than a shared loss because a
 * loss may have parameters of its own, which belong to the model being trained.
 */
public interface LossFactory {

    /** @return the options {@link #create(Map)} accepts, with their defaults, in documentation order */
    Map<String, Object> defaults();

    /**
     * Creates a loss.
     *
     * @param options values from the training file, keyed as in {@link #defaults()}; missing keys take the default
     * @return a new, uninitialised loss block
     * @throws RuntimeException a {@code dev.stoa.api.StoaException} with code {@code BAD_CONFIG}, naming the option
     *     and the accepted values, if an option is unknown or invalid
     */
    TrainingLoss create(Map<String, ?> options);
}
