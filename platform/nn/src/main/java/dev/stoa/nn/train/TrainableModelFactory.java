package dev.stoa.nn.train;

import java.util.Map;

/**
 * Makes models for the trainer. Registered as an OSGi service with {@code stoa.id} (the name a training file's
 * {@code model.id} uses, e.g. {@code clip}) and {@code stoa.kind=model}.
 */
public interface TrainableModelFactory {

    /** @return every option {@link #create(Map)} accepts, with its default, in documentation order */
    Map<String, Object> defaults();

    /**
     * Creates a model with fresh, uninitialised parameters.
     *
     * @param options the training file's {@code model} section without {@code id}, keyed as in {@link #defaults()}
     * @return the model
     * @throws dev.stoa.api.StoaException {@code BAD_CONFIG} naming the option and the accepted values
     */
    TrainableModel create(Map<String, ?> options);
}
