package dev.stoa.nn.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * Random Fourier features of 2-D positions (Tancik et al. 2020), as SAM's prompt encoder encodes points, box corners
 * and the image grid ({@code PositionEmbeddingRandom}):
 *
 * <pre>
 * u = 2 p - 1                          p (..., 2) in [0, 1] (x, y), so u in [-1, 1]
 * z = 2π u G                           G (2, D/2), entries N(0, σ²), fixed (not trained)
 * y = [sin z, cos z]                   (..., D)
 * </pre>
 *
 * <p>Input {@code [p (..., 2)]}, output {@code [y (..., D)]}. {@link #grid} gives the encoding of every cell centre of
 * an {@code h x w} grid, {@code p = ((j + 0.5) / w, (i + 0.5) / h)}, row-major, the dense positional encoding SAM
 * adds to the image embedding's keys. {@code G} is drawn from a seed with Java's {@link SplittableRandom}, so a fresh
 * block is the same on every machine; it is a parameter (saved with the model) that requires no gradient.
 */
public final class FourierPositionalEncoding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final Parameter gaussian;

    private FourierPositionalEncoding(Builder builder) {
        super(VERSION);
        embeddingSize = builder.embeddingSize;
        long seed = builder.seed;
        float sigma = builder.sigma;
        gaussian = addParameter(Parameter.builder()
                .setName("gaussian")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(2, embeddingSize / 2))
                .optRequiresGrad(false)
                .optInitializer((manager, shape, type) -> manager.create(matrix(seed, sigma, embeddingSize), shape))
                .build());
    }

    /**
     * @param seed the seed
     * @param sigma σ
     * @param d D
     * @return G as {@link #builder()} draws it, row-major (2, D/2)
     */
    public static float[] matrix(long seed, float sigma, int d) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] g = new float[d];
        for (int i = 0; i < d; i++) {
            // Box-Muller from two uniforms: no dependence on the JDK's nextGaussian algorithm
            double u1 = 1 - rng.nextDouble();
            double u2 = rng.nextDouble();
            g[i] = (float) (sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return g;
    }

    /** @return a builder; {@link Builder#setEmbeddingSize} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return D */
    public int getEmbeddingSize() {
        return embeddingSize;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray p = inputs.singletonOrThrow();
        return new NDList(encode(parameterStore, p, training));
    }

    /**
     * @param parameterStore where G is read
     * @param p positions {@code (..., 2)} in [0, 1]
     * @param training whether gradients are recorded
     * @return {@code (..., D)}
     */
    public NDArray encode(ParameterStore parameterStore, NDArray p, boolean training) {
        NDArray g = parameterStore.getValue(gaussian, p.getDevice(), training);
        NDArray z = p.mul(2).sub(1).matMul(g).mul((float) (2 * Math.PI));
        return z.sin().concat(z.cos(), -1);
    }

    /**
     * @param parameterStore where G is read
     * @param manager where the result goes
     * @param h rows
     * @param w columns
     * @return the encoding of each cell centre, {@code (h * w, D)}, row-major
     */
    public NDArray grid(ParameterStore parameterStore, NDManager manager, int h, int w) {
        float[] p = new float[h * w * 2];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                p[2 * (i * w + j)] = (j + 0.5f) / w;
                p[2 * (i * w + j) + 1] = (i + 0.5f) / h;
            }
        }
        return encode(parameterStore, manager.create(p, new Shape(h * w, 2)), false);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape p = inputShapes[0];
        if (p.dimension() < 1 || p.get(p.dimension() - 1) != 2) {
            throw new IllegalArgumentException("expected positions (..., 2), got " + p);
        }
        long[] dims = p.getShape();
        dims[dims.length - 1] = embeddingSize;
        return new Shape[] {new Shape(dims)};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    /** Builds a {@link FourierPositionalEncoding}. */
    public static final class Builder {

        private int embeddingSize;
        private float sigma = 1f;
        private long seed = 0;

        private Builder() {}

        /**
         * @param embeddingSize D, even
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param sigma σ of G's entries; 1 as SAM ({@code scale = 1.0})
         * @return this builder
         */
        public Builder optSigma(float sigma) {
            this.sigma = sigma;
            return this;
        }

        /**
         * @param seed the seed G is drawn from
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @return the block */
        public FourierPositionalEncoding build() {
            if (embeddingSize < 2 || embeddingSize % 2 != 0) {
                throw new IllegalArgumentException("embedding size must be even and positive, got " + embeddingSize);
            }
            if (!(sigma > 0)) {
                throw new IllegalArgumentException("sigma must be positive, got " + sigma);
            }
            return new FourierPositionalEncoding(this);
        }
    }
}
