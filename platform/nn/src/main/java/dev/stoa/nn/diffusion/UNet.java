package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.image.NarrowOutputs;
import dev.stoa.nn.transformer.TransformerLayer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A small diffusion U-Net (guided-diffusion's {@code UNetModel}, one residual block per level) predicting the noise:
 *
 * <pre>
 * emb  = W2 SiLU(W1 e(t))  [+ Wc cond]                        e: {@link TimestepEmbedding}; cond: a pooled condition
 * h    = Conv3x3(x)
 * down, level i = 0..L-1:  h = Res_i(h, emb); skip_i = h; h = Conv3x3/stride 2(h) unless the last level
 * middle (lowest resolution): h = Res(h, emb); h = Attn(h [, context]); h = Res(h, emb)
 * up, level i = L-1..0:    h = Res'_i([h; skip_i], emb); h = Conv3x3(nearest x2 (h)) unless i = 0
 * eps  = Conv3x3(SiLU(GN(h)))                                the last convolution starts at zero
 * </pre>
 *
 * <p>Res is a {@link TimestepResBlock} with C m_i channels at level i. Attn is a pre-LN {@link TransformerLayer} over the
 * H W positions of the lowest resolution: self-attention, then (with {@code optContext}) cross-attention to a sequence
 * of condition tokens, then an MLP; GLIDE conditions both ways, the tokens by attention and their pooled summary in
 * {@code emb}.
 *
 * <p>Inputs: {@code [x (B, Cimg, H, W), t (B)]}, then {@code cond (B, Dc)} if built with {@code optCondition}, then
 * {@code context (B, S, Dx)} if built with {@code optContext}. H and W divisible by 2^(L-1). Output:
 * {@code [eps (B, Cimg, H, W)]}.
 */
public final class UNet extends AbstractBlock {

    // 3: the output convolution computes 16 channels and keeps the image's (NarrowOutputs)
    private static final byte VERSION = 3;

    private final int imageChannels;
    private final int channels;
    private final int[] multipliers;
    private final int embeddingSize;
    private final boolean condition;
    private final boolean context;

    private final Linear timeIn;
    private final Linear timeOut;
    private final Linear conditionProjection;
    private final Conv2d input;
    private final List<TimestepResBlock> down = new ArrayList<>();
    private final List<Conv2d> downsample = new ArrayList<>();
    private final TimestepResBlock middle1;
    private final TransformerLayer attention;
    private final TimestepResBlock middle2;
    private final List<TimestepResBlock> up = new ArrayList<>();
    private final List<Conv2d> upsample = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv2d output;

    private UNet(Builder b) {
        super(VERSION);
        imageChannels = b.imageChannels;
        channels = b.channels;
        multipliers = b.multipliers.clone();
        embeddingSize = 4 * channels;
        condition = b.condition;
        context = b.context;
        timeIn = addChildBlock(
                "time_in", Linear.builder().setUnits(embeddingSize).build());
        timeOut = addChildBlock(
                "time_out", Linear.builder().setUnits(embeddingSize).build());
        conditionProjection = condition
                ? addChildBlock(
                        "condition", Linear.builder().setUnits(embeddingSize).build())
                : null;
        input = addChildBlock("input", TimestepResBlock.conv(channels, 3));
        int ch = channels;
        for (int i = 0; i < multipliers.length; i++) {
            int out = channels * multipliers[i];
            down.add(addChildBlock("down_" + i, new TimestepResBlock(ch, out)));
            ch = out;
            if (i < multipliers.length - 1) {
                downsample.add(addChildBlock(
                        "downsample_" + i,
                        Conv2d.builder()
                                .setFilters(ch)
                                .setKernelShape(new Shape(3, 3))
                                .optStride(new Shape(2, 2))
                                .optPadding(new Shape(1, 1))
                                .build()));
            }
        }
        middle1 = addChildBlock("middle_1", new TimestepResBlock(ch, ch));
        attention = addChildBlock(
                "attention",
                TransformerLayer.builder()
                        .setEmbeddingSize(ch)
                        .setHeadCount(b.heads)
                        .optCrossAttention(context)
                        .build());
        middle2 = addChildBlock("middle_2", new TimestepResBlock(ch, ch));
        for (int i = multipliers.length - 1; i >= 0; i--) {
            int skipChannels = channels * multipliers[i];
            int out = channels * multipliers[i];
            up.add(addChildBlock("up_" + i, new TimestepResBlock(ch + skipChannels, out)));
            ch = out;
            if (i > 0) {
                upsample.add(addChildBlock("upsample_" + i, TimestepResBlock.conv(ch, 3)));
            }
        }
        outNorm = addChildBlock("out_norm", GroupNorm.of(ch));
        output = addChildBlock("output", TimestepResBlock.conv(NarrowOutputs.filters(imageChannels), 3));
        // zero at the start (guided-diffusion's zero_module): the first prediction is "no noise", not a random one
        output.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
    }

    /** @return a builder; the channel count and multipliers are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the size of the timestep embedding the residual blocks receive, 4 C */
    public int embeddingSize() {
        return embeddingSize;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray x = inputs.get(0);
        NDArray emb = TimestepEmbedding.sinusoidal(inputs.get(1), channels);
        emb = timeIn.forward(ps, new NDList(emb), training, params).head();
        emb = timeOut.forward(ps, new NDList(TimestepResBlock.silu(emb)), training, params)
                .head();
        int next = 2;
        if (condition) {
            emb = emb.add(conditionProjection
                    .forward(ps, new NDList(inputs.get(next++)), training, params)
                    .head());
        }
        NDArray tokens = context ? inputs.get(next) : null;

        NDArray h = input.forward(ps, new NDList(x), training, params).head();
        Deque<NDArray> skips = new ArrayDeque<>();
        for (int i = 0; i < multipliers.length; i++) {
            h = down.get(i).forward(ps, new NDList(h, emb), training, params).head();
            skips.push(h);
            if (i < multipliers.length - 1) {
                h = downsample
                        .get(i)
                        .forward(ps, new NDList(h), training, params)
                        .head();
            }
        }
        h = middle1.forward(ps, new NDList(h, emb), training, params).head();
        h = attend(ps, h, tokens, training, params);
        h = middle2.forward(ps, new NDList(h, emb), training, params).head();
        for (int j = 0; j < multipliers.length; j++) {
            h = NDArrays.concat(new NDList(h, skips.pop()), 1);
            h = up.get(j).forward(ps, new NDList(h, emb), training, params).head();
            if (j < multipliers.length - 1) {
                h = h.repeat(2, 2).repeat(3, 2);
                h = upsample.get(j).forward(ps, new NDList(h), training, params).head();
            }
        }
        h = outNorm.forward(ps, new NDList(h), training, params).head();
        return new NDList(output.forward(ps, new NDList(TimestepResBlock.silu(h)), training, params)
                .head()
                .get(":, 0:" + imageChannels));
    }

    /** The transformer layer over the H W positions: {@code (B, C, H, W) -> (B, H W, C) -> back}. */
    private NDArray attend(
            ParameterStore ps, NDArray h, NDArray tokens, boolean training, PairList<String, Object> params) {
        Shape s = h.getShape();
        long positions = s.get(2) * s.get(3);
        NDArray seq = h.reshape(s.get(0), s.get(1), positions).transpose(0, 2, 1);
        NDArray mask = AttentionMasks.padding(h.getManager().ones(new Shape(s.get(0), positions)));
        NDList in = tokens == null ? new NDList(seq, mask) : new NDList(seq, mask, tokens);
        NDArray out = attention.forward(ps, in, training, params).head();
        return out.transpose(0, 2, 1).reshape(s);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int expected = 2 + (condition ? 1 : 0) + (context ? 1 : 0);
        Shape x = inputShapes[0];
        long factor = 1L << (multipliers.length - 1);
        if (inputShapes.length != expected
                || x.dimension() != 4
                || x.get(1) != imageChannels
                || x.get(2) % factor != 0
                || x.get(3) % factor != 0
                || !inputShapes[1].equals(new Shape(x.get(0)))) {
            throw new IllegalArgumentException("expected [x (B, " + imageChannels + ", H, W), t (B)"
                    + (condition ? ", cond (B, D)" : "") + (context ? ", context (B, S, D)" : "")
                    + "] with H and W divisible by " + factor + ", got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {x};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        Shape x = inputShapes[0];
        long batch = x.get(0);
        Shape emb = new Shape(batch, embeddingSize);
        timeIn.initialize(manager, dataType, new Shape(batch, channels));
        timeOut.initialize(manager, dataType, emb);
        int next = 2;
        if (condition) {
            conditionProjection.initialize(manager, dataType, inputShapes[next++]);
        }
        Shape tokens = context ? inputShapes[next] : null;
        input.initialize(manager, dataType, x);
        Shape h = input.getOutputShapes(new Shape[] {x})[0];
        Deque<Shape> skips = new ArrayDeque<>();
        for (int i = 0; i < multipliers.length; i++) {
            h = init(down.get(i), manager, dataType, h, emb);
            skips.push(h);
            if (i < multipliers.length - 1) {
                downsample.get(i).initialize(manager, dataType, h);
                h = downsample.get(i).getOutputShapes(new Shape[] {h})[0];
            }
        }
        h = init(middle1, manager, dataType, h, emb);
        Shape seq = new Shape(batch, h.get(2) * h.get(3), h.get(1));
        Shape mask = new Shape(batch, 1, seq.get(1));
        if (tokens == null) {
            attention.initialize(manager, dataType, seq, mask);
        } else {
            attention.initialize(manager, dataType, seq, mask, tokens);
        }
        h = init(middle2, manager, dataType, h, emb);
        for (int j = 0; j < multipliers.length; j++) {
            Shape skip = skips.pop();
            Shape joined = new Shape(batch, h.get(1) + skip.get(1), h.get(2), h.get(3));
            h = init(up.get(j), manager, dataType, joined, emb);
            if (j < multipliers.length - 1) {
                h = new Shape(batch, h.get(1), h.get(2) * 2, h.get(3) * 2);
                upsample.get(j).initialize(manager, dataType, h);
                h = upsample.get(j).getOutputShapes(new Shape[] {h})[0];
            }
        }
        outNorm.initialize(manager, dataType, h);
        output.initialize(manager, dataType, h);
    }

    private static Shape init(TimestepResBlock block, NDManager manager, DataType dataType, Shape x, Shape emb) {
        block.initialize(manager, dataType, x, emb);
        return block.getOutputShapes(new Shape[] {x, emb})[0];
    }

    /** Builds a {@link UNet}. */
    public static final class Builder {

        private int imageChannels = 3;
        private int channels;
        private int[] multipliers;
        private int heads = 4;
        private boolean condition;
        private boolean context;

        private Builder() {}

        /**
         * @param channels C, the first level's width; a multiple of 4 (the group norms)
         * @return this builder
         */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * @param multipliers m_0..m_{L-1}: level i has C m_i channels and 1 / 2^i of the resolution
         * @return this builder
         */
        public Builder setMultipliers(int... multipliers) {
            this.multipliers = multipliers.clone();
            return this;
        }

        /**
         * @param imageChannels channels of the images, 3 by default
         * @return this builder
         */
        public Builder optImageChannels(int imageChannels) {
            this.imageChannels = imageChannels;
            return this;
        }

        /**
         * @param heads attention heads at the lowest resolution, 4 by default; must divide C m_{L-1}
         * @return this builder
         */
        public Builder optHeads(int heads) {
            this.heads = heads;
            return this;
        }

        /**
         * @param condition whether a pooled condition vector {@code (B, Dc)} is added to the timestep embedding
         * @return this builder
         */
        public Builder optCondition(boolean condition) {
            this.condition = condition;
            return this;
        }

        /**
         * @param context whether the lowest resolution cross-attends to condition tokens {@code (B, S, Dx)}
         * @return this builder
         */
        public Builder optContext(boolean context) {
            this.context = context;
            return this;
        }

        /**
         * @return the U-Net
         * @throws IllegalArgumentException if a size is missing or inconsistent
         */
        public UNet build() {
            if (channels <= 0 || channels % 4 != 0) {
                throw new IllegalArgumentException("channels must be a positive multiple of 4, got " + channels);
            }
            if (multipliers == null
                    || multipliers.length == 0
                    || Arrays.stream(multipliers).anyMatch(m -> m <= 0)) {
                throw new IllegalArgumentException("set one or more positive channel multipliers");
            }
            int lowest = channels * multipliers[multipliers.length - 1];
            if (heads <= 0 || lowest % heads != 0) {
                throw new IllegalArgumentException(
                        heads + " heads must divide the lowest level's " + lowest + " channels");
            }
            if (imageChannels <= 0) {
                throw new IllegalArgumentException("image channels must be positive, got " + imageChannels);
            }
            return new UNet(this);
        }
    }
}
