package dev.stoa.nn.encoder;

import ai.djl.nn.Block;
import java.util.Map;

/**
 * Makes encoder blocks for models to compose: a CLIP bundle asks the factory named in its variant file (by
 * {@code stoa.id}) for an image tower and another for a text tower, and adds its own projections on top.
 * Registered as an OSGi service with {@code stoa.id} (e.g. {@code vit}, {@code resnet}, {@code text-transformer}) and
 * {@code stoa.kind=encoder}. A factory rather than a shared block because every model owns, trains and saves its own
 * parameters.
 *
 * <p>The blocks' inputs and output:
 * <ul>
 *   <li>{@link Modality#IMAGE}: {@code [images (B, 3, H, W) float32]} -> {@code [features (B, D)]}, or patch tokens
 *       {@code (B, N, D)} where the factory offers it ({@code output=tokens}).</li>
 *   <li>{@link Modality#TEXT}: {@code [ids (B, T) int64]} or {@code [ids, lengths (B) int64]} -> {@code [features
 *       (B, D)]}; {@code lengths} counts the real tokens of each row (the rest is padding), as
 *       {@link dev.stoa.nn.text.TokenBatch} gives them.</li>
 * </ul>
 * D is {@link #outputDimension(Map)} for the same hyperparameters.
 */
public interface EncoderFactory {

    /** What an encoder reads. */
    enum Modality {
        /** Images, {@code (B, 3, H, W)}. */
        IMAGE,
        /** Token ids, {@code (B, T)}. */
        TEXT
    }

    /** @return what the blocks of this factory read */
    Modality modality();

    /** @return every hyperparameter {@link #create(Map)} accepts, with its default, in documentation order */
    Map<String, Object> defaults();

    /**
     * Creates an uninitialised encoder block.
     *
     * @param hyperparameters values from a model's config, keyed as in {@link #defaults()}; numbers may be given as
     *     numbers or strings; missing keys take the default
     * @return a new block, to be initialised by the model that owns it
     * @throws dev.stoa.api.StoaException {@code BAD_CONFIG} naming the key and the accepted values if a
     *     hyperparameter is unknown or invalid
     */
    Block create(Map<String, ?> hyperparameters);

    /**
     * @param hyperparameters as for {@link #create(Map)}
     * @return D, the width of the block's output for these hyperparameters
     * @throws dev.stoa.api.StoaException {@code BAD_CONFIG} as {@link #create(Map)}
     */
    int outputDimension(Map<String, ?> hyperparameters);
}
