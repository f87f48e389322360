package dev.stoa.nn.lm;

import java.util.Map;

/**
 * Makes {@link LanguageModel} blocks from hyperparameters, for a trainer, a captioner (ClipCap) or a generation
 * service to own. Registered as an OSGi service with {@code stoa.id} (e.g. {@code gpt}) and
 * {@code stoa.kind=model}; a factory rather than a shared block because every owner trains and saves its own
 * parameters (as {@code dev.stoa.nn.encoder.EncoderFactory}).
 */
public interface LanguageModelFactory {

    /** @return every hyperparameter {@link #create(Map)} accepts, with its default, in documentation order */
    Map<String, Object> defaults();

    /**
     * @param hyperparameters values keyed as in {@link #defaults()}; numbers may be strings; missing keys take the
     *     default
     * @return a new, uninitialised model; initialise it with {@code initialize(manager, FLOAT32, (B, T))} or
     *     {@code ((B, T), (B, K, D))} for a prefix
     * @throws dev.stoa.api.StoaException {@code BAD_CONFIG} naming the key and the accepted values
     */
    LanguageModel create(Map<String, ?> hyperparameters);
}
