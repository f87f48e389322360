package dev.stoa.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.MultiHeadAttention;
import java.util.Arrays;

/**
 * CoCa's attentional pooler (Yu et al. 2022): one multi-head attention layer whose n queries are learned and whose
 * keys and values are the encoder output. CoCa pools with n = 1 for the contrastive embedding and n = 256 for the
 * captioning decoder. As in open_clip's {@code AttentionalPooler}:
 *
 * <pre>
 * y = MultiHeadAttention(LN_q(Q), LN_k(c), contextMask)     Q (n, D) learned
 * </pre>
 *
 * <p>Inputs: {@code [c (B, S, C)]} or {@code [c, contextMask (B, S)]}. Output: {@code [y (B, n, D)]}.
 */
public final class AttentionalPooler extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final int queryCount;
    private final Parameter queries;
    private final LayerNorm queryNorm;
    private final LayerNorm contextNorm;
    private final MultiHeadAttention attention;

    private AttentionalPooler(Builder builder) {
        super(VERSION);
        embeddingSize = builder.embeddingSize;
        queryCount = builder.queryCount;
        // N(0, 1) as open_clip's torch.randn(n_queries, d_model); type OTHER keeps it from a trainer's weight-wide
        // initializer
        queries = addParameter(Parameter.builder()
                .setName("queries")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, queryCount, embeddingSize))
                .optInitializer(new NormalInitializer(1f))
                .build());
        // axis 2 of (B, L, D): normalise each token, not the whole sequence (DJL's LayerNorm default)
        queryNorm = addChildBlock("query_norm", LayerNorm.builder().axis(2).build());
        contextNorm = addChildBlock("context_norm", LayerNorm.builder().axis(2).build());
        attention = addChildBlock(
                "attention",
                MultiHeadAttention.builder()
                        .setEmbeddingSize(embeddingSize)
                        .setHeadCount(builder.headCount)
                        .build());
    }

    /** @return a builder; the embedding size, head count and query count are required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray context = inputs.get(0);
        long batch = context.getShape().get(0);
        NDArray q = parameterStore.getValue(queries, context.getDevice(), training);
        // zeros + q: one copy per batch entry, in the batch's manager rather than the parameter's
        q = context.getManager()
                .zeros(new Shape(batch, queryCount, embeddingSize), context.getDataType())
                .add(q);
        q = queryNorm.forward(parameterStore, new NDList(q), training, params).head();
        NDArray c = contextNorm
                .forward(parameterStore, new NDList(context), training, params)
                .head();
        NDList attentionInputs = inputs.size() > 1 ? new NDList(q, c, inputs.get(1)) : new NDList(q, c);
        return attention.forward(parameterStore, attentionInputs, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape c = inputShapes[0];
        if (c.dimension() != 3
                || inputShapes.length > 2
                || inputShapes.length == 2 && !inputShapes[1].equals(new Shape(c.get(0), c.get(1)))) {
            throw new IllegalArgumentException(
                    "expected [context (B, S, C)] or [context, mask (B, S)], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(c.get(0), queryCount, embeddingSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape c = inputShapes[0];
        Shape q = new Shape(c.get(0), queryCount, embeddingSize);
        queryNorm.initialize(manager, dataType, q);
        contextNorm.initialize(manager, dataType, c);
        attention.initialize(manager, dataType, q, c);
    }

    /** Builds an {@link AttentionalPooler}. */
    public static final class Builder {

        private int embeddingSize;
        private int headCount;
        private int queryCount;

        private Builder() {}

        /**
         * @param embeddingSize D, the width of the queries and the output
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param headCount H; D must be a multiple of it
         * @return this builder
         */
        public Builder setHeadCount(int headCount) {
            this.headCount = headCount;
            return this;
        }

        /**
         * @param queryCount n, the number of learned queries and of output vectors
         * @return this builder
         */
        public Builder setQueryCount(int queryCount) {
            this.queryCount = queryCount;
            return this;
        }

        /**
         * @return the block
         * @throws IllegalArgumentException if a size is missing or D is not a multiple of H
         */
        public AttentionalPooler build() {
            if (queryCount <= 0 || embeddingSize <= 0 || headCount <= 0 || embeddingSize % headCount != 0) {
                throw new IllegalArgumentException("need n > 0 and D a multiple of H > 0, got n=" + queryCount + ", D="
                        + embeddingSize + ", H=" + headCount);
            }
            return new AttentionalPooler(this);
        }
    }
}
