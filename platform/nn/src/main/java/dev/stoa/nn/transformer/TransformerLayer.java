package dev.stoa.nn.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionStep;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.attention.MultiHeadAttention;

/**
 * One pre-LN transformer layer, as in CLIP's text and image towers and GPT-2 (layer norm before each sublayer, not
 * after as in the original transformer and DJL's {@code TransformerEncoderBlock}):
 *
 * <pre>
 * x = x + SelfAttention(LN₁(x), mask)
 * x = x + CrossAttention(LN_c(x), context, contextMask)     only if built with cross-attention
 * x = x + W₂ GELU(W₁ LN₂(x) + b₁) + b₂                       W₁: D -> r·D, W₂: r·D -> D
 * </pre>
 *
 * <p>Inputs: {@code [x]} or {@code [x, mask]}; with cross-attention {@code [x, mask, context]} or
 * {@code [x, mask, context, contextMask]}. Shapes: {@code x (B, T, D)}; {@code mask} {@code (B, T)} padding or
 * {@code (B|1, T|1, T)} (see {@code AttentionMasks}); {@code context (B, S, C)}; {@code contextMask (B, S)}.
 * Output: {@code [x (B, T, D)]}.
 */
public final class TransformerLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final boolean crossAttention;
    private final LayerNorm attentionNorm;
    private final MultiHeadAttention attention;
    private final LayerNorm crossAttentionNorm;
    private final MultiHeadAttention crossAttentionBlock;
    private final LayerNorm mlpNorm;
    private final Linear mlpIn;
    private final Linear mlpOut;

    private TransformerLayer(Builder builder) {
        super(VERSION);
        embeddingSize = builder.embeddingSize;
        crossAttention = builder.crossAttention;
        attentionNorm = addChildBlock("attention_norm", norm(builder));
        attention = addChildBlock("attention", attention(builder));
        if (crossAttention) {
            crossAttentionNorm = addChildBlock("cross_attention_norm", norm(builder));
            crossAttentionBlock = addChildBlock("cross_attention", attention(builder));
        } else {
            crossAttentionNorm = null;
            crossAttentionBlock = null;
        }
        mlpNorm = addChildBlock("mlp_norm", norm(builder));
        mlpIn = addChildBlock(
                "mlp_in", Linear.builder().setUnits(builder.hiddenSize()).build());
        mlpOut = addChildBlock(
                "mlp_out", Linear.builder().setUnits(embeddingSize).build());
    }

    private static LayerNorm norm(Builder builder) {
        // axis 2 of (B, T, D): DJL's LayerNorm would otherwise normalise over every non-batch axis, sequence
        // included, and it takes no negative axis
        return LayerNorm.builder().axis(2).optEpsilon(builder.layerNormEpsilon).build();
    }

    private static MultiHeadAttention attention(Builder builder) {
        return MultiHeadAttention.builder()
                .setEmbeddingSize(builder.embeddingSize)
                .setHeadCount(builder.headCount)
                .build();
    }

    /** @return a builder; {@link Builder#setEmbeddingSize} and {@link Builder#setHeadCount} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether this layer has a cross-attention sublayer and so takes a context */
    public boolean hasCrossAttention() {
        return crossAttention;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        checkInputCount(inputs.size());
        NDArray x = inputs.get(0);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;

        NDArray h = attentionNorm
                .forward(parameterStore, new NDList(x), training, params)
                .head();
        NDList self = mask == null ? new NDList(h, h) : new NDList(h, h, mask);
        x = x.add(attention.forward(parameterStore, self, training, params).head());

        if (crossAttention) {
            NDArray context = inputs.get(2);
            h = crossAttentionNorm
                    .forward(parameterStore, new NDList(x), training, params)
                    .head();
            NDList cross = inputs.size() > 3 ? new NDList(h, context, inputs.get(3)) : new NDList(h, context);
            x = x.add(crossAttentionBlock
                    .forward(parameterStore, cross, training, params)
                    .head());
        }

        return new NDList(mlp(parameterStore, x, training, params));
    }

    /** {@code x + W₂ GELU(W₁ LN₂(x) + b₁) + b₂}. */
    private NDArray mlp(ParameterStore parameterStore, NDArray x, boolean training, PairList<String, Object> params) {
        NDArray h =
                mlpNorm.forward(parameterStore, new NDList(x), training, params).head();
        h = Activation.gelu(
                mlpIn.forward(parameterStore, new NDList(h), training, params).head());
        return x.add(
                mlpOut.forward(parameterStore, new NDList(h), training, params).head());
    }

    /**
     * The layer over T new positions after S cached ones, for incremental decoding (see
     * {@link MultiHeadAttention#forwardWithCache}): the self-attention sublayer reads and extends the cache, the MLP
     * runs on the new positions only. Only for layers without cross-attention.
     *
     * @param parameterStore where the parameters are read
     * @param x the new positions, {@code (B, T, D)}
     * @param mask {@code null} or {@code (B|1, T|1, S + T)}
     * @param past this layer's cache of the earlier positions, or {@code null}
     * @param training whether gradients are recorded
     * @return the new positions' output {@code (B, T, D)} and the extended cache
     * @throws IllegalStateException if the layer has a cross-attention sublayer
     */
    public AttentionStep forwardWithCache(
            ParameterStore parameterStore, NDArray x, NDArray mask, KeyValueCache past, boolean training) {
        if (crossAttention) {
            throw new IllegalStateException("the cache-aware forward is for layers without cross-attention; call"
                    + " forward with the whole sequence and the context instead");
        }
        NDArray h = attentionNorm
                .forward(parameterStore, new NDList(x), training, null)
                .head();
        AttentionStep self = attention.forwardWithCache(parameterStore, h, mask, past, training);
        return new AttentionStep(mlp(parameterStore, x.add(self.output()), training, null), self.cache());
    }

    private void checkInputCount(int count) {
        boolean ok = crossAttention ? count == 3 || count == 4 : count == 1 || count == 2;
        if (!ok) {
            throw new IllegalArgumentException(
                    crossAttention
                            ? "a cross-attention layer takes [x, mask, context] or [x, mask, context, contextMask], got "
                                    + count + " arrays"
                            : "a transformer layer takes [x] or [x, mask], got " + count + " arrays");
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInputCount(inputShapes.length);
        Shape x = inputShapes[0];
        if (x.dimension() != 3 || x.get(2) != embeddingSize) {
            throw new IllegalArgumentException("expected x of (B, T, " + embeddingSize + "), got " + x);
        }
        attentionNorm.initialize(manager, dataType, x);
        attention.initialize(manager, dataType, x, x);
        if (crossAttention) {
            crossAttentionNorm.initialize(manager, dataType, x);
            crossAttentionBlock.initialize(manager, dataType, x, inputShapes[2]);
        }
        mlpNorm.initialize(manager, dataType, x);
        mlpIn.initialize(manager, dataType, x);
        mlpOut.initialize(manager, dataType, mlpIn.getOutputShapes(new Shape[] {x}));
    }

    /** Builds a {@link TransformerLayer}. */
    public static final class Builder {

        private int embeddingSize;
        private int headCount;
        private float mlpRatio = 4f;
        private boolean crossAttention;
        private float layerNormEpsilon = 1e-5f;

        private Builder() {}

        /**
         * @param embeddingSize D, the width of the residual stream
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param headCount H, attention heads; D must be a multiple of it
         * @return this builder
         */
        public Builder setHeadCount(int headCount) {
            this.headCount = headCount;
            return this;
        }

        /**
         * @param mlpRatio r, the MLP's hidden width over D (default 4, as in ViT, GPT-2 and CLIP)
         * @return this builder
         */
        public Builder optMlpRatio(float mlpRatio) {
            this.mlpRatio = mlpRatio;
            return this;
        }

        /**
         * @param crossAttention whether to add a cross-attention sublayer over a context sequence (decoders of
         *     Flamingo and CoCa); default {@code false}
         * @return this builder
         */
        public Builder optCrossAttention(boolean crossAttention) {
            this.crossAttention = crossAttention;
            return this;
        }

        /**
         * @param layerNormEpsilon ε of the layer norms (default 1e-5, PyTorch's {@code nn.LayerNorm} default that
         *     CLIP uses)
         * @return this builder
         */
        public Builder optLayerNormEpsilon(float layerNormEpsilon) {
            this.layerNormEpsilon = layerNormEpsilon;
            return this;
        }

        long hiddenSize() {
            return Math.round(embeddingSize * (double) mlpRatio);
        }

        /**
         * @return the layer
         * @throws IllegalArgumentException if a size is missing or inconsistent
         */
        public TransformerLayer build() {
            if (!(mlpRatio > 0) || !(layerNormEpsilon > 0)) {
                throw new IllegalArgumentException("MLP ratio and layer-norm epsilon must be positive, got " + mlpRatio
                        + " and " + layerNormEpsilon);
            }
            if (embeddingSize <= 0 || headCount <= 0 || embeddingSize % headCount != 0) {
                throw new IllegalArgumentException("need a positive embedding size that is a multiple of a positive"
                        + " head count, got D=" + embeddingSize + ", H=" + headCount);
            }
            return new TransformerLayer(this);
        }
    }
}
