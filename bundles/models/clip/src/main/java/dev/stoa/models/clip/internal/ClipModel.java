package dev.stoa.models.clip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.encoder.TokenFeatures;

/**
 * CLIP (Radford et al. 2021): an image tower and a text tower, each followed by a linear projection without bias into
 * one E-wide space, and a learned logit scale:
 *
 * <pre>
 * v = normalize(W_v · ImageEncoder(images))          (B, 3, S, S) -> (B, D_v) -> (B, E)
 * l = normalize(W_l · TextEncoder(ids, lengths))     (B, T) -> (B, D_l) -> (B, E)
 * logits = exp(t) · v lᵀ                             t starts at ln(1/0.07) (CLIP), capped at exp(t) = 100
 * </pre>
 *
 * <p>Inputs {@code [images (B, 3, S, S), ids (B', T), lengths (B')]}; outputs {@code [v (B, E), l (B', E),
 * t ()]}, the L2-normalised embeddings and the raw logit scale, what a contrastive loss takes. The towers are
 * whatever blocks the variant's encoder factories made.
 */
final class ClipModel extends AbstractBlock {

    private static final byte VERSION = 1;
    /** CLIP's initial temperature τ = 0.07, learned as t = ln(1/τ). */
    static final float INITIAL_LOGIT_SCALE = (float) Math.log(1 / 0.07);
    /** CLIP clips exp(t) at 100 so the logits cannot grow without bound (paper, section 2.5). */
    static final float MAX_SCALE = 100f;

    private final Block visual;
    private final Linear visualProjection;
    private final Block text;
    private final Linear textProjection;
    private final Parameter logitScale;

    ClipModel(Block visual, Block text, int embedDimension) {
        super(VERSION);
        this.visual = addChildBlock("visual", visual);
        visualProjection = addChildBlock(
                "visual_projection",
                Linear.builder().setUnits(embedDimension).optBias(false).build());
        this.text = addChildBlock("text", text);
        textProjection = addChildBlock(
                "text_projection",
                Linear.builder().setUnits(embedDimension).optBias(false).build());
        // type OTHER: keeps CLIP's initial value when a trainer sets one initializer for every WEIGHT
        logitScale = addParameter(Parameter.builder()
                .setName("logit_scale")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape())
                .optInitializer(new ConstantInitializer(INITIAL_LOGIT_SCALE))
                .build());
    }

    /**
     * @param ps the parameter store
     * @param images {@code (B, 3, S, S)}, preprocessed
     * @param training whether this is a training pass
     * @return {@code (B, E)}, unit rows
     */
    NDArray encodeImage(ParameterStore ps, NDArray images, boolean training) {
        NDArray features = visual.forward(ps, new NDList(images), training).head();
        return normalize(
                visualProjection.forward(ps, new NDList(features), training).head());
    }

    /**
     * The image tower's token (grid) features, before pooling and projection.
     *
     * @param ps the parameter store
     * @param images {@code (B, 3, S, S)}, preprocessed
     * @return {@code (B, N', D_v)}
     * @throws StoaException {@code UNAVAILABLE} when the variant's image encoder cannot give them
     */
    NDArray encodeImageTokens(ParameterStore ps, NDArray images) {
        if (!(visual instanceof TokenFeatures tokens)) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    "this CLIP's image encoder (" + visual.getClass().getSimpleName()
                            + ") gives no token features; train a CLIP whose image.encoder is vit");
        }
        return tokens.tokens(ps, images, false);
    }

    /**
     * @param ps the parameter store
     * @param ids {@code (B, T)} int64
     * @param lengths {@code (B)} int64, real tokens per row
     * @param training whether this is a training pass
     * @return {@code (B, E)}, unit rows
     */
    NDArray encodeText(ParameterStore ps, NDArray ids, NDArray lengths, boolean training) {
        NDArray features = text.forward(ps, new NDList(ids, lengths), training).head();
        return normalize(
                textProjection.forward(ps, new NDList(features), training).head());
    }

    /** @return exp(t) capped at 100, the factor on cosines before a softmax */
    float scale() {
        return (float) Math.min(Math.exp(logitScale.getArray().getFloat()), MAX_SCALE);
    }

    /**
     * Sets the learned temperature, as a trained loss holds it.
     *
     * @param t the log of the logit scale, ln(1/τ)
     */
    void setLogitScale(float t) {
        logitScale.getArray().set(new float[] {t});
    }

    private static NDArray normalize(NDArray x) {
        // x / max(|x|, 1e-12), PyTorch's F.normalize
        return x.div(x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray v = encodeImage(ps, inputs.get(0), training);
        NDArray l = encodeText(ps, inputs.get(1), inputs.get(2), training);
        NDArray t = ps.getValue(logitScale, v.getDevice(), training);
        // zeros + t: the result joins the batch's manager, not the model's (a DJL op's result joins its first operand's
        // manager)
        return new NDList(
                v, l, v.getManager().zeros(new Shape(), t.getDataType()).add(t));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long e = visualProjection.getOutputShapes(new Shape[] {new Shape(1, 1)})[0].get(1);
        return new Shape[] {new Shape(inputShapes[0].get(0), e), new Shape(inputShapes[1].get(0), e), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        visual.initialize(manager, dataType, inputShapes[0]);
        visualProjection.initialize(manager, dataType, visual.getOutputShapes(new Shape[] {inputShapes[0]}));
        text.initialize(manager, dataType, inputShapes[1], inputShapes[2]);
        textProjection.initialize(
                manager, dataType, text.getOutputShapes(new Shape[] {inputShapes[1], inputShapes[2]}));
    }
}
