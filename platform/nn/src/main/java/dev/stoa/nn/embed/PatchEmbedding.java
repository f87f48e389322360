package dev.stoa.nn.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ViT's patch embedding (Dosovitskiy et al. 2021): the image is cut into non-overlapping {@code p x p} patches, each
 * flattened and projected to D, as one convolution with kernel = stride = p:
 *
 * <pre>
 * (B, C, H, W) -> conv_{p,p} -> (B, D, H/p, W/p) -> (B, N, D),   N = (H/p)(W/p), row-major patch order
 * </pre>
 *
 * <p>H and W must be multiples of p. Patch {@code n} covers rows {@code p·(n / (W/p))} and columns
 * {@code p·(n mod (W/p))} onward.
 */
public final class PatchEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int patchSize;
    private final int embeddingSize;
    private final Conv2d projection;

    private PatchEmbedding(Builder builder) {
        super(VERSION);
        patchSize = builder.patchSize;
        embeddingSize = builder.embeddingSize;
        Shape patch = new Shape(patchSize, patchSize);
        projection = addChildBlock(
                "projection",
                Conv2d.builder()
                        .setKernelShape(patch)
                        .optStride(patch)
                        .setFilters(embeddingSize)
                        .optBias(builder.bias)
                        .build());
    }

    /** @return a builder; {@link Builder#setPatchSize} and {@link Builder#setEmbeddingSize} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return p, the side of a square patch in pixels */
    public int getPatchSize() {
        return patchSize;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray image = inputs.singletonOrThrow();
        Shape out = getOutputShapes(new Shape[] {image.getShape()})[0];
        NDArray grid =
                projection.forward(parameterStore, inputs, training, params).head(); // (B, D, H/p, W/p)
        return new NDList(grid.reshape(out.get(0), embeddingSize, out.get(1)).transpose(0, 2, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape image = inputShapes[0];
        if (image.dimension() != 4 || image.get(2) % patchSize != 0 || image.get(3) % patchSize != 0) {
            throw new IllegalArgumentException("expected images (B, C, H, W) with H and W multiples of the patch size "
                    + patchSize + ", got " + image);
        }
        long patches = (image.get(2) / patchSize) * (image.get(3) / patchSize);
        return new Shape[] {new Shape(image.get(0), patches, embeddingSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        projection.initialize(manager, dataType, inputShapes);
    }

    /** Builds a {@link PatchEmbedding}. */
    public static final class Builder {

        private int patchSize;
        private int embeddingSize;
        private boolean bias = true;

        private Builder() {}

        /**
         * @param patchSize p, the side of a square patch in pixels (ViT-B/32: 32)
         * @return this builder
         */
        public Builder setPatchSize(int patchSize) {
            this.patchSize = patchSize;
            return this;
        }

        /**
         * @param embeddingSize D, the width of a patch token
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param bias whether the projection has a bias (default {@code true} as in ViT; CLIP's has none)
         * @return this builder
         */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * @return the block
         * @throws IllegalArgumentException if a size is not positive
         */
        public PatchEmbedding build() {
            if (patchSize <= 0 || embeddingSize <= 0) {
                throw new IllegalArgumentException(
                        "set a positive patch size and embedding size, got p=" + patchSize + ", D=" + embeddingSize);
            }
            return new PatchEmbedding(this);
        }
    }
}
