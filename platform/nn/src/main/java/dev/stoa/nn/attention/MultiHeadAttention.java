package dev.stoa.nn.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017) with any mask, for self- and cross-attention.
 *
 * <p>With {@code H} heads of size {@code d = D / H}, queries from {@code x} and keys/values from {@code c}
 * ({@code c = x} for self-attention):
 *
 * <pre>
 * Q = x Wq + bq,  K = c Wk + bk,  V = c Wv + bv           split into H heads of size d
 * A = softmax(Q Kᵀ / √d + M)                               M = 0 where allowed, -∞ where masked
 * y = concat_h(A_h V_h) Wo + bo
 * </pre>
 *
 * <p>Inputs: {@code [x]} (unmasked self-attention), or {@code [x, c]}, or {@code [x, c, mask]}; pass {@code x} twice
 * for masked self-attention. Shapes: {@code x (B, T, D)}, {@code c (B, S, C)} (C may differ from D: the key and
 * value projections map it to D), {@code mask} boolean (or 0/1), either {@code (B, S)} (key padding) or
 * {@code (B|1, T|1, S)} (see {@link AttentionMasks}). Output: {@code [y (B, T, D)]}.
 *
 * <p>A masked key gets exactly zero weight (the score is -∞ before the softmax). A query whose every key is masked
 * (e.g. a padded query row) gets all-zero weights and output {@code bo}, with finite gradients, instead of NaN.
 */
public final class MultiHeadAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final int headCount;
    private final Linear queryProjection;
    private final Linear keyProjection;
    private final Linear valueProjection;
    private final Linear outputProjection;

    private MultiHeadAttention(Builder builder) {
        super(VERSION);
        embeddingSize = builder.embeddingSize;
        headCount = builder.headCount;
        queryProjection = addChildBlock("query", projection(builder));
        keyProjection = addChildBlock("key", projection(builder));
        valueProjection = addChildBlock("value", projection(builder));
        outputProjection = addChildBlock("output", projection(builder));
    }

    private static Linear projection(Builder builder) {
        return Linear.builder()
                .setUnits(builder.embeddingSize)
                .optBias(builder.bias)
                .build();
    }

    /** @return a builder; {@link Builder#setEmbeddingSize} and {@link Builder#setHeadCount} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return D, the width of queries and output */
    public int getEmbeddingSize() {
        return embeddingSize;
    }

    /** @return H, the number of heads */
    public int getHeadCount() {
        return headCount;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(attend(parameterStore, inputs, training, params).get(0));
    }

    /**
     * The attention weights of a forward pass, for tests and inspection.
     *
     * @return {@code A (B, H, T, S)}, each row summing to 1 (or 0 where every key is masked)
     */
    NDArray attentionWeights(ParameterStore parameterStore, NDList inputs, boolean training) {
        return attend(parameterStore, inputs, training, null).get(1);
    }

    private NDList attend(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray context = inputs.size() > 1 ? inputs.get(1) : x;
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : null;
        long batch = x.getShape().get(0);
        long queries = x.getShape().get(1);
        long keys = context.getShape().get(1);
        NDArray q = heads(queryProjection
                .forward(parameterStore, new NDList(x), training, params)
                .head());
        NDArray k = heads(keyProjection
                .forward(parameterStore, new NDList(context), training, params)
                .head());
        NDArray v = heads(valueProjection
                .forward(parameterStore, new NDList(context), training, params)
                .head());
        if (mask != null) {
            AttentionMasks.checkShape(mask.getShape(), batch, queries, keys);
        }
        NDArray weights = scaledDotProductWeights(q, k, mask);
        return new NDList(mergeHeads(parameterStore, weights, v, training, params), weights);
    }

    /** {@code concat_h(A_h V_h) Wo + bo}: {@code (B, H, T, S), (B, H, S, d) -> (B, T, D)}. */
    private NDArray mergeHeads(
            ParameterStore parameterStore,
            NDArray weights,
            NDArray v,
            boolean training,
            PairList<String, Object> params) {
        Shape w = weights.getShape();
        NDArray merged = weights.matMul(v).transpose(0, 2, 1, 3).reshape(w.get(0), w.get(2), embeddingSize);
        return outputProjection
                .forward(parameterStore, new NDList(merged), training, params)
                .head();
    }

    /**
     * Self-attention over the cached positions and the new ones, for incremental decoding: projects only the new
     * positions {@code x (B, T, D)}, appends their keys and values to {@code past} (S positions) and lets each new
     * query attend to all {@code S + T} keys that {@code mask} allows. With a causal mask over the whole sequence,
     * the output equals rows {@code S .. S+T-1} of {@code forward([all, all, causal])} (up to rounding).
     *
     * @param parameterStore where the parameters are read
     * @param x the new positions, {@code (B, T, D)}
     * @param mask {@code null} (every key allowed: right for one new position under a causal mask) or
     *     {@code (B|1, T|1, S + T)}, e.g. {@link AttentionMasks#causal(NDManager, int, int)}
     * @param past the cache of the earlier positions, or {@code null} for none
     * @param training whether gradients are recorded
     * @return the output for the new positions and the extended cache
     */
    public AttentionStep forwardWithCache(
            ParameterStore parameterStore, NDArray x, NDArray mask, KeyValueCache past, boolean training) {
        NDList in = new NDList(x);
        NDArray k =
                heads(keyProjection.forward(parameterStore, in, training, null).head());
        NDArray v = heads(
                valueProjection.forward(parameterStore, in, training, null).head());
        if (past != null) {
            k = past.keys().concat(k, 2);
            v = past.values().concat(v, 2);
        }
        NDArray q = heads(
                queryProjection.forward(parameterStore, in, training, null).head());
        if (mask != null) {
            AttentionMasks.checkShape(
                    mask.getShape(),
                    x.getShape().get(0),
                    x.getShape().get(1),
                    k.getShape().get(2));
        }
        NDArray weights = scaledDotProductWeights(q, k, mask);
        return new AttentionStep(mergeHeads(parameterStore, weights, v, training, null), new KeyValueCache(k, v));
    }

    /** {@code (B, L, D) -> (B, H, L, d)}. */
    private NDArray heads(NDArray projected) {
        Shape s = projected.getShape();
        return projected
                .reshape(s.get(0), s.get(1), headCount, embeddingSize / headCount)
                .transpose(0, 2, 1, 3);
    }

    /**
     * {@code softmax(Q Kᵀ / √d)} over the keys, with masked keys at exactly zero weight.
     *
     * @param q queries {@code (B, H, T, d)}
     * @param k keys {@code (B, H, S, d)}
     * @param mask {@code null}, {@code (B, S)} or {@code (B|1, T|1, S)}, {@code true} (non-zero) where allowed
     * @return {@code (B, H, T, S)}
     */
    static NDArray scaledDotProductWeights(NDArray q, NDArray k, NDArray mask) {
        long d = q.getShape().get(3);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul((float) (1 / Math.sqrt(d)));
        if (mask == null) {
            return scores.softmax(3);
        }
        NDArray allowed = AttentionMasks.toBoolean(mask);
        allowed = allowed.getShape().dimension() == 2
                ? allowed.expandDims(1).expandDims(1) // (B, S) -> (B, 1, 1, S)
                : allowed.expandDims(1); // (B|1, T|1, S) -> (B|1, 1, T|1, S)
        NDManager manager = scores.getManager();
        // A row with no allowed key would be softmax(-∞, ..., -∞) = NaN, and NaN gradients with it: such rows are
        // scored unmasked and then multiplied by zero.
        NDArray rowHasKey = allowed.toType(DataType.FLOAT32, false).max(new int[] {-1}, true);
        NDArray open = allowed.logicalOr(rowHasKey.eq(0)).broadcast(scores.getShape());
        NDArray masked = NDArrays.where(open, scores, manager.create(Float.NEGATIVE_INFINITY));
        return masked.softmax(3).mul(rowHasKey);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), embeddingSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape context = inputShapes.length > 1 ? inputShapes[1] : x;
        queryProjection.initialize(manager, dataType, x);
        keyProjection.initialize(manager, dataType, context);
        valueProjection.initialize(manager, dataType, context);
        outputProjection.initialize(manager, dataType, new Shape(x.get(0), x.get(1), embeddingSize));
    }

    /** Builds a {@link MultiHeadAttention}. */
    public static final class Builder {

        private int embeddingSize;
        private int headCount;
        private boolean bias = true;

        private Builder() {}

        /**
         * @param embeddingSize D, the width of queries, keys, values and output; a multiple of the head count
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param headCount H, the number of heads
         * @return this builder
         */
        public Builder setHeadCount(int headCount) {
            this.headCount = headCount;
            return this;
        }

        /**
         * @param bias whether the four projections have a bias (default {@code true}, as in CLIP and ViT)
         * @return this builder
         */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * @return the block
         * @throws IllegalArgumentException if a size is missing or D is not a multiple of H
         */
        public MultiHeadAttention build() {
            if (embeddingSize <= 0 || headCount <= 0) {
                throw new IllegalArgumentException(
                        "set a positive embedding size and head count, got D=" + embeddingSize + ", H=" + headCount);
            }
            if (embeddingSize % headCount != 0) {
                throw new IllegalArgumentException(
                        "embedding size " + embeddingSize + " is not a multiple of the head count " + headCount);
            }
            return new MultiHeadAttention(this);
        }
    }
}
