package dev.stoa.nn.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Adds a learned position vector to each token (GPT-2, ViT, CLIP): {@code y[b, t] = x[b, t] + P[t]} with
 * {@code P (L, D)} for up to L positions: {@code (B, T, D) -> (B, T, D)}, {@code T <= L}.
 *
 * <p>{@code P} starts as N(0, σ), σ = 0.01 by default (CLIP's text {@code positional_embedding}); CLIP's vision
 * tower uses D<sup>-1/2</sup> ({@link Builder#optInitialStd}).
 */
public final class PositionalEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int maxLength;
    private final int embeddingSize;
    private final Parameter positions;

    private PositionalEmbedding(Builder builder) {
        super(VERSION);
        maxLength = builder.maxLength;
        embeddingSize = builder.embeddingSize;
        // type OTHER, not WEIGHT: keeps its own initial scale when a trainer sets one initializer for all weights
        positions = addParameter(Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(maxLength, embeddingSize))
                .optInitializer(new NormalInitializer(builder.initialStd))
                .build());
    }

    /** @return a builder; {@link Builder#setMaxLength} and {@link Builder#setEmbeddingSize} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return L, the longest sequence this block takes */
    public int getMaxLength() {
        return maxLength;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        getOutputShapes(new Shape[] {x.getShape()});
        NDArray p = parameterStore.getValue(positions, x.getDevice(), training);
        long length = x.getShape().get(1);
        // start from x so the result joins the batch's manager, not the parameter's
        return new NDList(x.add(length == maxLength ? p : p.get("0:" + length)));
    }

    /**
     * Adds the positions {@code offset .. offset+T-1}, for tokens that follow {@code offset} earlier ones (incremental
     * decoding with a key/value cache): {@code y[b, t] = x[b, t] + P[offset + t]}.
     *
     * @param parameterStore where the positions are read
     * @param x {@code (B, T, D)}
     * @param offset how many positions come before x; {@code offset + T <= L}
     * @param training whether gradients are recorded
     * @return {@code (B, T, D)}
     */
    public NDArray forwardAt(ParameterStore parameterStore, NDArray x, int offset, boolean training) {
        long length = x.getShape().get(1);
        if (offset < 0
                || offset + length > maxLength
                || x.getShape().dimension() != 3
                || x.getShape().get(2) != embeddingSize) {
            throw new IllegalArgumentException("expected (B, T, " + embeddingSize + ") at positions " + offset + ".."
                    + (offset + length - 1) + " within L = " + maxLength + ", got " + x.getShape());
        }
        NDArray p = parameterStore.getValue(positions, x.getDevice(), training);
        return x.add(p.get(offset + ":" + (offset + length)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        if (x.dimension() != 3 || x.get(1) > maxLength || x.get(2) != embeddingSize) {
            throw new IllegalArgumentException(
                    "expected (B, T, " + embeddingSize + ") with T <= " + maxLength + ", got " + x);
        }
        return new Shape[] {x};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    /** Builds a {@link PositionalEmbedding}. */
    public static final class Builder {

        private int maxLength;
        private int embeddingSize;
        private float initialStd = 0.01f;

        private Builder() {}

        /**
         * @param maxLength L, the number of positions (CLIP's text context: 77)
         * @return this builder
         */
        public Builder setMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * @param embeddingSize D
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param initialStd σ of the initial values (default 0.01)
         * @return this builder
         */
        public Builder optInitialStd(float initialStd) {
            this.initialStd = initialStd;
            return this;
        }

        /**
         * @return the block
         * @throws IllegalArgumentException if a size or σ is not positive
         */
        public PositionalEmbedding build() {
            if (maxLength <= 0 || embeddingSize <= 0 || !(initialStd > 0)) {
                throw new IllegalArgumentException("set a positive length, embedding size and std, got L=" + maxLength
                        + ", D=" + embeddingSize + ", std=" + initialStd);
            }
            return new PositionalEmbedding(this);
        }
    }
}
