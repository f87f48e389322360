package dev.stoa.api.data;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Arrays;

/**
 * A dense vector in some model's embedding space, shape {@code (D)}.
 *
 * @param vector the components; the record keeps the array it is given (no copy), so do not change it afterwards
 */
public record Embedding(float[] vector) {

    public Embedding {
        if (vector == null || vector.length == 0) {
            throw StoaException.badInput("vector", "is empty; an embedding needs at least one component");
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw StoaException.badInput("vector[" + i + "]", "is " + vector[i] + "; embeddings must be finite");
            }
        }
    }

    /** @return the number of components {@code D} */
    public int dimension() {
        return vector.length;
    }

    /** @return the Euclidean norm */
    public double norm() {
        double s = 0;
        for (float v : vector) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /** @return this vector scaled to unit length (a zero vector stays zero) */
    public Embedding normalized() {
        double n = norm();
        if (n == 0) {
            return this;
        }
        float[] out = new float[vector.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (vector[i] / n);
        }
        return new Embedding(out);
    }

    /**
     * Cosine similarity {@code <a, b> / (|a| |b|)}.
     *
     * @param other an embedding of the same dimension
     * @return the cosine in [-1, 1], or 0 when either vector is zero
     * @throws StoaException {@link FailureCode#SHAPE_MISMATCH} when the dimensions differ
     */
    public double cosine(Embedding other) {
        if (other.vector.length != vector.length) {
            throw new StoaException(
                    FailureCode.SHAPE_MISMATCH,
                    "cannot compare embeddings of dimension " + vector.length + " and " + other.vector.length
                            + "; both must come from the same model");
        }
        double dot = 0;
        for (int i = 0; i < vector.length; i++) {
            dot += (double) vector[i] * other.vector[i];
        }
        double n = norm() * other.norm();
        return n == 0 ? 0 : dot / n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && Arrays.equals(vector, e.vector);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "Embedding[dimension=" + vector.length + "]";
    }
}
