package dev.stoa.models.clipcap.internal;

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
import dev.stoa.nn.transformer.TransformerStack;

/**
 * ClipCap's transformer mapping network (Mokady et al. 2021, the variant trained with the decoder frozen):
 *
 * <pre>
 * x = reshape(W v + b, (K, D))                  W (E -> K·D)
 * h = Transformer([x ; C])                       C (K, D) learned constants, full (unmasked) attention, pre-LN layers
 * prefix = h[:, K:]                              the constants' outputs
 * </pre>
 *
 * <p>{@code [v (B, E)] -> [prefix (B, K, D)]}. The paper uses 8 layers and K = 10 constants; here the depth is
 * {@code mapper_layers}. C starts as N(0, 1), as the paper's {@code prefix_const = randn}.
 */
final class TransformerMapper extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int prefixLength;
    private final int width;
    private final Linear project;
    private final Parameter constants;
    private final TransformerStack transformer;

    /**
     * @param prefixLength K
     * @param width D, the decoder's embedding width
     * @param layers the transformer's depth
     * @param heads its attention heads, a divisor of D
     */
    TransformerMapper(int prefixLength, int width, int layers, int heads) {
        super(VERSION);
        this.prefixLength = prefixLength;
        this.width = width;
        project = addChildBlock(
                "project",
                Linear.builder().setUnits((long) prefixLength * width).build());
        constants = addParameter(Parameter.builder()
                .setName("prefix_const")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(prefixLength, width))
                .optInitializer(new NormalInitializer(1f))
                .build());
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(layers)
                        .setEmbeddingSize(width)
                        .setHeadCount(heads)
                        .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray v = inputs.head();
        long batch = v.getShape().get(0);
        NDArray x = project.forward(ps, inputs, training).head().reshape(batch, prefixLength, width);
        // starts from the batch (zeros of x's manager) so the broadcast does not pile up in the model's manager
        NDArray c = x.zerosLike().add(ps.getValue(constants, v.getDevice(), training));
        NDArray h =
                transformer.forward(ps, new NDList(x.concat(c, 1)), training).head();
        return new NDList(h.get(":, " + prefixLength + ":, :"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return PrefixShapes.check(inputShapes, prefixLength, width);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        PrefixShapes.check(inputShapes, prefixLength, width);
        project.initialize(manager, dataType, inputShapes[0]);
        transformer.initialize(manager, dataType, new Shape(inputShapes[0].get(0), 2L * prefixLength, width));
    }
}
