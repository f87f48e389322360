package dev.stoa.nn.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Prepends one learned token {@code c} (BERT's and ViT's {@code [CLS]}) to every sequence:
 * {@code (B, N, D) -> (B, 1 + N, D)}, {@code y[b] = [c; x[b]]}.
 *
 * <p>{@code c} starts as N(0, D<sup>-1/2</sup>), CLIP's {@code class_embedding = scale * randn(width)} with
 * {@code scale = width ** -0.5}.
 */
public final class ClassToken extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final Parameter token;

    private ClassToken(Builder builder) {
        super(VERSION);
        embeddingSize = builder.embeddingSize;
        // type OTHER, not WEIGHT: a trainer that sets one initializer for all weights would otherwise replace
        // CLIP's scale with one meant for matrices
        token = addParameter(Parameter.builder()
                .setName("token")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, 1, embeddingSize))
                .optInitializer(new NormalInitializer((float) Math.pow(embeddingSize, -0.5)))
                .build());
    }

    /** @return a builder; {@link Builder#setEmbeddingSize} is required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray c = parameterStore.getValue(token, x.getDevice(), training);
        // zeros + c rather than c.broadcast(...): the result joins the batch's manager, not the parameter's
        NDArray tokens = x.getManager()
                .zeros(new Shape(x.getShape().get(0), 1, embeddingSize), x.getDataType())
                .add(c);
        return new NDList(NDArrays.concat(new NDList(tokens, x), 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        if (x.dimension() != 3 || x.get(2) != embeddingSize) {
            throw new IllegalArgumentException("expected (B, N, " + embeddingSize + "), got " + x);
        }
        return new Shape[] {new Shape(x.get(0), x.get(1) + 1, embeddingSize)};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    /** Builds a {@link ClassToken}. */
    public static final class Builder {

        private int embeddingSize;

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
         * @return the block
         * @throws IllegalArgumentException if the size is not positive
         */
        public ClassToken build() {
            if (embeddingSize <= 0) {
                throw new IllegalArgumentException("set a positive embedding size, got " + embeddingSize);
            }
            return new ClassToken(this);
        }
    }
}
