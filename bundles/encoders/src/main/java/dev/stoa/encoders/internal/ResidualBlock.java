package dev.stoa.encoders.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ResNet's basic block (He et al. 2016, Fig. 2): two 3x3 conv-BN layers and an identity shortcut, or a 1x1 conv-BN
 * shortcut where the stride or width changes:
 *
 * <pre>
 * y = ReLU(BN(conv3x3(ReLU(BN(conv3x3_s(x))))) + shortcut(x))      (B, C, H, W) -> (B, C', H/s, W/s)
 * </pre>
 */
final class ResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final SequentialBlock residual;
    private final SequentialBlock shortcut;

    ResidualBlock(int inChannels, int outChannels, int stride) {
        super(VERSION);
        residual = addChildBlock(
                "residual",
                new SequentialBlock()
                        .add(conv(outChannels, 3, stride))
                        .add(BatchNorm.builder().build())
                        .add(Activation::relu)
                        .add(conv(outChannels, 3, 1))
                        .add(BatchNorm.builder().build()));
        shortcut = stride == 1 && inChannels == outChannels
                ? null
                : addChildBlock(
                        "shortcut",
                        new SequentialBlock()
                                .add(conv(outChannels, 1, stride))
                                .add(BatchNorm.builder().build()));
    }

    /** A bias-free conv (the BN after it has one), padded to keep the size at stride 1. */
    static Block conv(int filters, int kernel, int stride) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false)
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = residual.forward(ps, inputs, training, params).head();
        NDArray skip = shortcut == null
                ? inputs.head()
                : shortcut.forward(ps, inputs, training, params).head();
        return new NDList(Activation.relu(y.add(skip)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return residual.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        residual.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }
}
