package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.diffusion.UNet;

/**
 * GLIDE's denoiser: {@code eps_theta(x_t, t, caption)}. The caption's tokens ({@link CaptionEncoder}) condition the
 * {@link UNet} by cross-attention at its lowest resolution and their pooled vector is added to the timestep embedding
 * (the paper does both). Where {@code keep} is 0 the caption is replaced by the learned null condition (a null token
 * sequence and a null pooled vector), the "empty caption" of classifier-free guidance:
 *
 * <pre>
 * tokens, pooled = keep ? Enc(caption) : (null_tokens, null_pooled)
 * eps            = UNet(x_t, t, pooled, tokens)
 * </pre>
 *
 * <p>Inputs {@code [x_t (B, 3, S, S), t (B), ids (B, T), lengths (B), keep (B)]} and, in training, the true noise
 * {@code eps (B, 3, S, S)} last, which is passed through for the loss. Outputs {@code [eps_theta]} or, in training,
 * {@code [eps_theta, eps]}.
 */
final class Glide extends AbstractBlock {

    private static final byte VERSION = 1;

    private final GlideConfig config;
    private final CaptionEncoder text;
    private final Parameter nullTokens;
    private final Parameter nullPooled;
    private final UNet unet;

    Glide(GlideConfig config, int vocabulary) {
        super(VERSION);
        this.config = config;
        text = addChildBlock(
                "text",
                new CaptionEncoder(
                        vocabulary,
                        config.captionLength(),
                        config.textWidth(),
                        config.textLayers(),
                        config.textHeads()));
        nullTokens = addParameter(Parameter.builder()
                .setName("null_tokens")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, config.captionLength(), config.textWidth()))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        nullPooled = addParameter(Parameter.builder()
                .setName("null_pooled")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, config.textWidth()))
                .optInitializer(new NormalInitializer(0.02f))
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

    GlideConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray xt = inputs.get(0);
        NDArray t = inputs.get(1);
        NDList encoded = text.forward(ps, new NDList(inputs.get(2), inputs.get(3)), training, params);
        NDArray keep = inputs.get(4).toType(DataType.FLOAT32, false);
        NDArray keepTokens = keep.reshape(-1, 1, 1);
        NDArray keepPooled = keep.reshape(-1, 1);
        NDArray tokens = encoded.get(0)
                .mul(keepTokens)
                .add(keepTokens.mul(-1f).add(1f).mul(ps.getValue(nullTokens, xt.getDevice(), training)));
        NDArray pooled = encoded.get(1)
                .mul(keepPooled)
                .add(keepPooled.mul(-1f).add(1f).mul(ps.getValue(nullPooled, xt.getDevice(), training)));
        NDArray eps = unet.forward(ps, new NDList(xt, t, pooled, tokens), training, params)
                .head();
        return inputs.size() > 5 ? new NDList(eps, inputs.get(5)) : new NDList(eps);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes.length > 5 ? new Shape[] {inputShapes[0], inputShapes[5]} : new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long batch = x.get(0);
        text.initialize(manager, dataType, inputShapes[2], inputShapes[3]);
        unet.initialize(
                manager,
                dataType,
                x,
                new Shape(batch),
                new Shape(batch, config.textWidth()),
                new Shape(batch, config.captionLength(), config.textWidth()));
    }
}
