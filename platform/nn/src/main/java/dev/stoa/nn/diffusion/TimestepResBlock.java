package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * The diffusion U-Net's residual block (guided-diffusion's {@code ResBlock}), with the timestep (and condition)
 * embedding added between its two convolutions:
 *
 * <pre>
 * h = Conv3x3(SiLU(GN(x)))
 * [scale, shift] = W SiLU(emb)                       (B, 2 Cout), broadcast over H and W
 * y = skip(x) + Conv3x3(SiLU(GN(h) (1 + scale) + shift))
 * </pre>
 *
 * <p>skip is the identity, or a 1x1 convolution when the channel count changes. The second convolution starts at zero
 * (guided-diffusion's {@code zero_module}), so that each block starts as its skip path. The embedding scales and shifts the
 * normalised activations ({@code use_scale_shift_norm}, as GLIDE's U-Net does) rather than being added before the norm,
 * where a group norm would take a per-channel shift straight out again.
 *
 * <p>Inputs {@code [x (B, Cin, H, W), emb (B, E)]}; output {@code [y (B, Cout, H, W)]}.
 */
public final class TimestepResBlock extends AbstractBlock {

    private static final byte VERSION = 2;

    private final int inChannels;
    private final int outChannels;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear embedding;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d skip;

    /**
     * @param inChannels Cin
     * @param outChannels Cout
     */
    public TimestepResBlock(int inChannels, int outChannels) {
        super(VERSION);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        norm1 = addChildBlock("norm1", GroupNorm.of(inChannels));
        conv1 = addChildBlock("conv1", conv(outChannels, 3));
        embedding = addChildBlock(
                "embedding", Linear.builder().setUnits(2L * outChannels).build());
        norm2 = addChildBlock("norm2", GroupNorm.of(outChannels));
        conv2 = addChildBlock("conv2", conv(outChannels, 3));
        // guided-diffusion's zero_module: each block starts as the identity, which trains much faster
        conv2.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
        skip = inChannels == outChannels ? null : addChildBlock("skip", conv(outChannels, 1));
    }

    /** @return {@code x sigmoid(x)}, SiLU (swish with beta 1), which DJL's {@code Activation} lacks */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    static Conv2d conv(int channels, int kernel) {
        return Conv2d.builder()
                .setFilters(channels)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray emb = inputs.get(1);
        NDArray h = norm1.forward(ps, new NDList(x), training, params).head();
        h = conv1.forward(ps, new NDList(TimestepResBlock.silu(h)), training, params)
                .head();
        NDArray e = embedding
                .forward(ps, new NDList(TimestepResBlock.silu(emb)), training, params)
                .head();
        NDArray scale = e.get(":, 0:" + outChannels).expandDims(2).expandDims(3);
        NDArray shift = e.get(":, " + outChannels + ":").expandDims(2).expandDims(3);
        h = norm2.forward(ps, new NDList(h), training, params).head();
        h = h.mul(scale.add(1f)).add(shift);
        h = conv2.forward(ps, new NDList(TimestepResBlock.silu(h)), training, params)
                .head();
        NDArray shortcut = skip == null
                ? x
                : skip.forward(ps, new NDList(x), training, params).head();
        return new NDList(shortcut.add(h));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        if (x.dimension() != 4 || x.get(1) != inChannels) {
            throw new IllegalArgumentException("expected x of (B, " + inChannels + ", H, W), got " + x);
        }
        return new Shape[] {new Shape(x.get(0), outChannels, x.get(2), x.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape y = getOutputShapes(inputShapes)[0];
        norm1.initialize(manager, dataType, x);
        conv1.initialize(manager, dataType, x);
        embedding.initialize(manager, dataType, inputShapes[1]);
        norm2.initialize(manager, dataType, y);
        conv2.initialize(manager, dataType, y);
        if (skip != null) {
            skip.initialize(manager, dataType, x);
        }
    }
}
