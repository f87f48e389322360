package dev.stoa.nn.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * An image encoder that can also answer its token (grid) features rather than only its pooled vector, for models
 * that cross-attend to an image (VC-GPT's fusion module reads a frozen CLIP's grid features). For a ViT:
 *
 * <pre>
 * x = Transformer(LN_pre([c; PatchEmbedding(images)] + P))      (B, 3, S, S) -> (B, 1 + N, D)
 * tokens = LN_post(x)   per token                                  the class token first, then the N patches
 * </pre>
 *
 * <p>so {@code tokens[:, 0]} is the vector the encoder's {@code forward} pools. Blocks made by an
 * {@link EncoderFactory} of modality {@code IMAGE} implement this when they can.
 */
public interface TokenFeatures {

    /**
     * @param parameterStore where the parameters are read
     * @param images {@code (B, 3, S, S)}, preprocessed as for {@code forward}
     * @param training whether gradients are recorded
     * @return {@code (B, N', D)}: one feature vector per token, the pooled one's width
     */
    NDArray tokens(ParameterStore parameterStore, NDArray images, boolean training);
}
