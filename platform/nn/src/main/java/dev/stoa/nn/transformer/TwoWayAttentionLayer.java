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
import dev.stoa.nn.attention.MultiHeadAttention;

/**
 * One layer of SAM's two-way transformer (Kirillov et al. 2023, {@code TwoWayAttentionBlock}): sparse tokens
 * {@code q (B, N, D)} and image tokens {@code k (B, S, D)} update each other, with positional encodings added to
 * the queries and keys of every attention (post-norm, as SAM):
 *
 * <pre>
 * q = LN₁(q + SelfAttn(q + P_q))                  (the first layer of a stack attends without P_q: q already holds it)
 * q = LN₂(q + Attn(q + P_q -> k + P_k))           tokens attend to the image
 * q = LN₃(q + W₂ ReLU(W₁ q + b₁) + b₂)
 * k = LN₄(k + Attn(k + P_k -> q + P_q))           the image attends to the tokens
 * </pre>
 *
 * <p>Inputs {@code [q (B, N, D), k (B, S, D), P_q (B, N, D), P_k (B|1, S, D)]}; outputs {@code [q', k']}, the same
 * shapes. The attentions are {@link MultiHeadAttention}, whose keys and values come from one input: here the keys'
 * input carries the positional encoding into the values too (SAM adds it to the keys only), a simplification.
 */
public final class TwoWayAttentionLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final boolean skipFirstPositions;
    private final MultiHeadAttention selfAttention;
    private final MultiHeadAttention tokenToImage;
    private final MultiHeadAttention imageToToken;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final LayerNorm norm4;
    private final Linear mlpIn;
    private final Linear mlpOut;

    private TwoWayAttentionLayer(Builder builder) {
        super(VERSION);
        embeddingSize = builder.embeddingSize;
        skipFirstPositions = builder.skipFirstPositions;
        selfAttention = addChildBlock("self_attention", attention(builder));
        norm1 = addChildBlock("norm1", norm());
        tokenToImage = addChildBlock("token_to_image", attention(builder));
        norm2 = addChildBlock("norm2", norm());
        mlpIn = addChildBlock(
                "mlp_in", Linear.builder().setUnits(builder.mlpSize).build());
        mlpOut = addChildBlock(
                "mlp_out", Linear.builder().setUnits(embeddingSize).build());
        norm3 = addChildBlock("norm3", norm());
        imageToToken = addChildBlock("image_to_token", attention(builder));
        norm4 = addChildBlock("norm4", norm());
    }

    private static LayerNorm norm() {
        return LayerNorm.builder().axis(2).build();
    }

    private static MultiHeadAttention attention(Builder builder) {
        return MultiHeadAttention.builder()
                .setEmbeddingSize(builder.embeddingSize)
                .setHeadCount(builder.headCount)
                .build();
    }

    /** @return a builder; {@link Builder#setEmbeddingSize}, {@link Builder#setHeadCount} are required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray q = inputs.get(0);
        NDArray k = inputs.get(1);
        NDArray pq = inputs.get(2);
        NDArray pk = inputs.get(3);
        NDArray sq = skipFirstPositions ? q : q.add(pq);
        NDArray a =
                selfAttention.forward(ps, new NDList(sq, sq), training, params).head();
        q = norm(ps, norm1, skipFirstPositions ? a : q.add(a), training, params);

        NDArray kp = k.add(pk);
        a = tokenToImage
                .forward(ps, new NDList(q.add(pq), kp), training, params)
                .head();
        q = norm(ps, norm2, q.add(a), training, params);

        NDArray h = Activation.relu(
                mlpIn.forward(ps, new NDList(q), training, params).head());
        h = mlpOut.forward(ps, new NDList(h), training, params).head();
        q = norm(ps, norm3, q.add(h), training, params);

        a = imageToToken
                .forward(ps, new NDList(kp, q.add(pq)), training, params)
                .head();
        k = norm(ps, norm4, k.add(a), training, params);
        return new NDList(q, k);
    }

    private static NDArray norm(
            ParameterStore ps, LayerNorm n, NDArray x, boolean training, PairList<String, Object> params) {
        return n.forward(ps, new NDList(x), training, params).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        check(inputShapes);
        return new Shape[] {inputShapes[0], inputShapes[1]};
    }

    private void check(Shape[] in) {
        if (in.length != 4
                || in[0].dimension() != 3
                || in[1].dimension() != 3
                || in[0].get(2) != embeddingSize
                || in[1].get(2) != embeddingSize
                || !in[2].equals(in[0])
                || in[3].get(1) != in[1].get(1)) {
            throw new IllegalArgumentException("a two-way layer takes [q (B, N, " + embeddingSize + "), k (B, S, "
                    + embeddingSize + "), P_q (B, N, D), P_k (B|1, S, D)], got " + java.util.Arrays.toString(in));
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        check(inputShapes);
        Shape q = inputShapes[0];
        Shape k = inputShapes[1];
        selfAttention.initialize(manager, dataType, q, q);
        norm1.initialize(manager, dataType, q);
        tokenToImage.initialize(manager, dataType, q, k);
        norm2.initialize(manager, dataType, q);
        mlpIn.initialize(manager, dataType, q);
        mlpOut.initialize(manager, dataType, mlpIn.getOutputShapes(new Shape[] {q}));
        norm3.initialize(manager, dataType, q);
        imageToToken.initialize(manager, dataType, k, q);
        norm4.initialize(manager, dataType, k);
    }

    /** Builds a {@link TwoWayAttentionLayer}. */
    public static final class Builder {

        private int embeddingSize;
        private int headCount;
        private int mlpSize;
        private boolean skipFirstPositions;

        private Builder() {}

        /**
         * @param embeddingSize D
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param headCount H, a divisor of D
         * @return this builder
         */
        public Builder setHeadCount(int headCount) {
            this.headCount = headCount;
            return this;
        }

        /**
         * @param mlpSize the MLP's hidden width; 4·D unless set (SAM: 2048 for D = 256, 8·D)
         * @return this builder
         */
        public Builder optMlpSize(int mlpSize) {
            this.mlpSize = mlpSize;
            return this;
        }

        /**
         * @param skip true for the first layer of a stack: its self-attention reads the tokens without adding P_q
         *     and replaces them rather than adding to them (SAM's {@code skip_first_layer_pe})
         * @return this builder
         */
        public Builder optSkipFirstPositions(boolean skip) {
            this.skipFirstPositions = skip;
            return this;
        }

        /** @return the layer */
        public TwoWayAttentionLayer build() {
            if (embeddingSize < 1 || headCount < 1 || embeddingSize % headCount != 0) {
                throw new IllegalArgumentException(
                        "embedding size " + embeddingSize + " must be a positive multiple of the heads " + headCount);
            }
            if (mlpSize == 0) {
                mlpSize = 4 * embeddingSize;
            }
            return new TwoWayAttentionLayer(this);
        }
    }
}
