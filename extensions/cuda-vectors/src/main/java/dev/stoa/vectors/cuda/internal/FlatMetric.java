package dev.stoa.vectors.cuda.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorMetric;

/**
 * How a flat index scores a row against a query; higher is closer, as in FAISS's flat indexes turned so that every
 * metric ranks by descending score.
 */
public enum FlatMetric {
    /** The inner product {@code <q, x>}. */
    INNER_PRODUCT,
    /** The cosine: rows and queries are scaled to unit length, then the inner product. */
    COSINE,
    /** The negated squared Euclidean distance {@code -|q - x|^2} (FAISS's {@code IndexFlatL2}, sign turned). */
    L2;

    /**
     * @param metric a collection's metric
     * @return the flat metric that gives the same score
     */
    public static FlatMetric of(VectorMetric metric) {
        return metric == VectorMetric.COSINE ? COSINE : INNER_PRODUCT;
    }

    /**
     * @param vector a row or a query
     * @return what the index stores or searches for it: a unit-length copy for {@link #COSINE}, else the vector
     * @throws StoaException {@code BAD_INPUT} for a zero vector under {@link #COSINE}
     */
    public float[] prepare(float[] vector) {
        if (this != COSINE) {
            return vector;
        }
        double s = 0;
        for (float x : vector) {
            s += (double) x * x;
        }
        if (s == 0) {
            throw StoaException.badInput("vector", "is all zeros; a cosine collection cannot compare a zero vector");
        }
        double n = Math.sqrt(s);
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = (float) (vector[i] / n);
        }
        return out;
    }

    /**
     * The reference score, in double precision, of a prepared query against a prepared row.
     *
     * @param q the query, prepared
     * @param x the row's components, prepared, at {@code x[offset .. offset + q.length)}
     * @param offset where the row starts
     * @return the score under this metric
     */
    public double score(float[] q, float[] x, int offset) {
        double s = 0;
        if (this == L2) {
            for (int i = 0; i < q.length; i++) {
                double d = (double) q[i] - x[offset + i];
                s += d * d;
            }
            return -s;
        }
        for (int i = 0; i < q.length; i++) {
            s += (double) q[i] * x[offset + i];
        }
        return s;
    }

    /**
     * Turns an inner product into this metric's score, as the GPU path does after its GEMM.
     *
     * @param dot {@code <q, x>}
     * @param rowNorm2 {@code |x|^2} (used by {@link #L2} only)
     * @param queryNorm2 {@code |q|^2} (used by {@link #L2} only)
     * @return the score
     */
    public float fromDot(float dot, float rowNorm2, float queryNorm2) {
        return this == L2 ? 2 * dot - rowNorm2 - queryNorm2 : dot;
    }
}
