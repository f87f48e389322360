package dev.stoa.nn.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionStep;
import dev.stoa.nn.attention.KeyValueCache;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * L identical {@link TransformerLayer}s applied in turn, the mask (and context) passed to each:
 * {@code x_{l+1} = Layer_l(x_l, mask[, context, contextMask])}. The transformer of CLIP's towers; no final layer
 * norm (encoders add their own, e.g. CLIP's {@code ln_final} and {@code ln_post}).
 *
 * <p>Inputs and output as for {@link TransformerLayer}: {@code [x (B, T, D), mask?, context?, contextMask?]
 * -> [x (B, T, D)]}.
 */
public final class TransformerStack extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<TransformerLayer> layers;

    private TransformerStack(Builder builder) {
        super(VERSION);
        List<TransformerLayer> built = new ArrayList<>();
        for (int i = 0; i < builder.layerCount; i++) {
            built.add(addChildBlock("layer_" + i, builder.layer.build()));
        }
        layers = Collections.unmodifiableList(built);
    }

    /** @return a builder; the layer count and the layer's embedding size and head count are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the layers, first to last */
    public List<TransformerLayer> getLayers() {
        return layers;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList current = inputs;
        for (TransformerLayer layer : layers) {
            NDList next = layer.forward(parameterStore, current, training, params);
            // the mask and context go to every layer unchanged
            current = new NDList(next.head());
            current.addAll(inputs.subNDList(1));
        }
        return new NDList(current.head());
    }

    /**
     * The output of {@link #forwardWithCache}.
     *
     * @param output {@code (B, T, D)} for the new positions
     * @param caches one cache per layer, first to last, each holding all {@code S + T} positions
     */
    public record CachedOutput(NDArray output, List<KeyValueCache> caches) {}

    /**
     * The stack over T new positions after S cached ones, for incremental decoding: each layer reads and extends its
     * own cache ({@link TransformerLayer#forwardWithCache}). Only for layers without cross-attention.
     *
     * @param parameterStore where the parameters are read
     * @param x the new positions, {@code (B, T, D)}
     * @param mask {@code null} (one new position under a causal mask) or {@code (B|1, T|1, S + T)}
     * @param past the caches from the previous call, one per layer, or {@code null} at the start
     * @param training whether gradients are recorded
     * @return the output for the new positions and the extended caches
     */
    public CachedOutput forwardWithCache(
            ParameterStore parameterStore, NDArray x, NDArray mask, List<KeyValueCache> past, boolean training) {
        if (past != null && past.size() != layers.size()) {
            throw new IllegalArgumentException("got " + past.size() + " caches for " + layers.size() + " layers");
        }
        List<KeyValueCache> caches = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            AttentionStep step = layers.get(i)
                    .forwardWithCache(parameterStore, x, mask, past == null ? null : past.get(i), training);
            x = step.output();
            caches.add(step.cache());
        }
        return new CachedOutput(x, Collections.unmodifiableList(caches));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block layer : layers) {
            layer.initialize(manager, dataType, inputShapes);
        }
    }

    /** Builds a {@link TransformerStack}; each setting but the layer count is the layers' own. */
    public static final class Builder {

        private final TransformerLayer.Builder layer = TransformerLayer.builder();
        private int layerCount;

        private Builder() {}

        /**
         * @param layerCount L, at least 1
         * @return this builder
         */
        public Builder setLayerCount(int layerCount) {
            this.layerCount = layerCount;
            return this;
        }

        /**
         * @param embeddingSize D
         * @return this builder
         * @see TransformerLayer.Builder#setEmbeddingSize(int)
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            layer.setEmbeddingSize(embeddingSize);
            return this;
        }

        /**
         * @param headCount H
         * @return this builder
         * @see TransformerLayer.Builder#setHeadCount(int)
         */
        public Builder setHeadCount(int headCount) {
            layer.setHeadCount(headCount);
            return this;
        }

        /**
         * @param mlpRatio r (default 4)
         * @return this builder
         * @see TransformerLayer.Builder#optMlpRatio(float)
         */
        public Builder optMlpRatio(float mlpRatio) {
            layer.optMlpRatio(mlpRatio);
            return this;
        }

        /**
         * @param crossAttention whether every layer attends to a context (default {@code false})
         * @return this builder
         * @see TransformerLayer.Builder#optCrossAttention(boolean)
         */
        public Builder optCrossAttention(boolean crossAttention) {
            layer.optCrossAttention(crossAttention);
            return this;
        }

        /**
         * @param layerNormEpsilon ε of the layer norms (default 1e-5)
         * @return this builder
         * @see TransformerLayer.Builder#optLayerNormEpsilon(float)
         */
        public Builder optLayerNormEpsilon(float layerNormEpsilon) {
            layer.optLayerNormEpsilon(layerNormEpsilon);
            return this;
        }

        /**
         * @return the stack
         * @throws IllegalArgumentException if the layer count is below 1 or a layer setting is invalid
         */
        public TransformerStack build() {
            if (layerCount < 1) {
                throw new IllegalArgumentException("set a layer count of at least 1, got " + layerCount);
            }
            return new TransformerStack(this);
        }
    }
}
