package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ClipCap's MLP mapping network (Mokady et al. 2021, the variant trained with the decoder fine-tuned):
 *
 * <pre>
 * prefix = reshape(W₂ tanh(W₁ v + b₁) + b₂, (K, D))     W₁ (E -> K·D/2), W₂ (K·D/2 -> K·D)
 * </pre>
 *
 * <p>{@code [v (B, E)] -> [prefix (B, K, D)]}.
 */
final class MlpMapper extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int prefixLength;
    private final int width;
    private final Linear hidden;
    private final Linear out;

    /**
     * @param prefixLength K
     * @param width D, the decoder's embedding width
     */
    MlpMapper(int prefixLength, int width) {
        super(VERSION);
        this.prefixLength = prefixLength;
        this.width = width;
        hidden = addChildBlock(
                "hidden",
                Linear.builder().setUnits(Math.max(1, prefixLength * width / 2)).build());
        out = addChildBlock(
                "out", Linear.builder().setUnits((long) prefixLength * width).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray h = hidden.forward(ps, inputs, training).head().tanh();
        NDArray y = out.forward(ps, new NDList(h), training).head();
        return new NDList(y.reshape(y.getShape().get(0), prefixLength, width));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return PrefixShapes.check(inputShapes, prefixLength, width);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        PrefixShapes.check(inputShapes, prefixLength, width);
        hidden.initialize(manager, dataType, inputShapes[0]);
        out.initialize(manager, dataType, new Shape(inputShapes[0].get(0), Math.max(1, prefixLength * width / 2)));
    }
}
