package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.diffusion.UNet;

/**
 * unCLIP's decoder (Ramesh et al. 2022, section 2.1): a diffusion {@link UNet} predicting the noise, conditioned on the
 * CLIP image embedding in the two ways the paper names, "projecting and adding CLIP embeddings to the existing timestep
 * embedding, and by projecting CLIP embeddings into four extra tokens of context":
 *
 * <pre>
 * z'   = keep ? z : null_z                            (classifier-free guidance: z dropped for 10% of training)
 * ctx  = reshape(W_ctx z', (k, C_low))                 k context tokens, attended to at the U-Net's lowest level
 * eps  = UNet(x_t, t, cond = z', context = ctx)        the U-Net adds W_c z' to its timestep embedding
 * </pre>
 *
 * <p>Without text: the paper's decoder also reads the caption through GLIDE's text encoder (dropped 50% of the time);
 * here the image embedding is the decoder's only condition. Inputs {@code [x_t (B, 3, S, S), t (B), z (B, E),
 * keep (B)]}; output {@code [eps (B, 3, S, S)]}.
 */
final class ClipDecoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final UnclipConfig config;
    private final int dimension;
    private final Parameter nullEmbedding;
    private final Linear contextProjection;
    private final UNet unet;

    ClipDecoder(UnclipConfig config, int dimension) {
        super(VERSION);
        this.config = config;
        this.dimension = dimension;
        nullEmbedding = addParameter(Parameter.builder()
                .setName("null_embedding")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, dimension))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        contextProjection = addChildBlock(
                "context",
                Linear.builder()
                        .setUnits((long) config.contextTokens() * config.lowestWidth())
                        .build());
        unet = addChildBlock(
                "unet",
                UNet.builder()
                        .setChannels(config.channels())
                        .setMultipliers(config.levels())
                        .optHeads(config.heads())
                        .optCondition(true)
                        .optContext(true)
                        .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray xt = inputs.get(0);
        NDArray t = inputs.get(1);
        NDArray z = inputs.get(2);
        NDArray keep = inputs.get(3).toType(DataType.FLOAT32, false).reshape(-1, 1);
        NDArray cond = z.mul(keep).add(keep.mul(-1f).add(1f).mul(ps.getValue(nullEmbedding, xt.getDevice(), training)));
        NDArray context = contextProjection
                .forward(ps, new NDList(cond), training)
                .head()
                .reshape(-1, config.contextTokens(), config.lowestWidth());
        return new NDList(
                unet.forward(ps, new NDList(xt, t, cond, context), training).head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long b = x.get(0);
        contextProjection.initialize(manager, dataType, new Shape(b, dimension));
        unet.initialize(
                manager,
                dataType,
                x,
                new Shape(b),
                new Shape(b, dimension),
                new Shape(b, config.contextTokens(), config.lowestWidth()));
    }
}
