package dev.stoa.nn.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Builds the boolean masks {@link MultiHeadAttention} takes: {@code true} where a query may attend to a key.
 *
 * <p>Masks of rank 3 are {@code (B|1, T|1, S)} (batch, query position, key position) and broadcast over what is 1;
 * combine them with {@link #and(NDArray, NDArray)}, e.g. a causal text decoder over padded batches is
 * {@code and(causal(m, T), padding(keep))}.
 */
public final class AttentionMasks {

    private AttentionMasks() {}

    /**
     * A key-padding mask: every query may attend to the keys that are real tokens.
     *
     * @param keep {@code (B, S)}, non-zero (or {@code true}) for a real token, zero for padding
     * @return {@code (B, 1, S)} boolean
     */
    public static NDArray padding(NDArray keep) {
        if (keep.getShape().dimension() != 2) {
            throw new IllegalArgumentException("a padding mask is (B, S), got " + keep.getShape());
        }
        return toBoolean(keep).expandDims(1);
    }

    /**
     * A causal (autoregressive) mask: position {@code i} attends to positions {@code j <= i}.
     *
     * @param manager where the mask is created
     * @param length the sequence length T
     * @return {@code (1, T, T)} boolean, lower triangular
     */
    public static NDArray causal(NDManager manager, int length) {
        return prefix(manager, length, 0);
    }

    /**
     * A causal mask for T new positions after {@code pastLength} cached ones (incremental decoding): new position
     * {@code i} (absolute {@code P + i}) attends to every key {@code j <= P + i}.
     *
     * @param manager where the mask is created
     * @param length T, the new positions
     * @param pastLength P, the cached positions before them
     * @return {@code (1, T, P + T)} boolean
     */
    public static NDArray causal(NDManager manager, int length, int pastLength) {
        if (length < 1 || pastLength < 0) {
            throw new IllegalArgumentException("need T >= 1 and P >= 0, got T=" + length + ", P=" + pastLength);
        }
        NDArray queries = manager.arange(length).add(pastLength).reshape(length, 1);
        NDArray keys = manager.arange(length + pastLength).reshape(1, length + pastLength);
        return keys.lte(queries).reshape(1, length, length + pastLength);
    }

    /**
     * A prefix-LM mask (SimVLM): the first {@code prefixLength} positions attend to each other bidirectionally, every
     * later position attends causally to all positions up to itself (the prefix included).
     * {@code allowed(i, j) = j <= max(i, P - 1)}.
     *
     * @param manager where the mask is created
     * @param length the sequence length T
     * @param prefixLength P, 0 (plain causal) to T (fully bidirectional)
     * @return {@code (1, T, T)} boolean
     */
    public static NDArray prefix(NDManager manager, int length, int prefixLength) {
        if (length < 1 || prefixLength < 0 || prefixLength > length) {
            throw new IllegalArgumentException("need 1 <= T and 0 <= P <= T, got T=" + length + ", P=" + prefixLength);
        }
        NDArray positions = manager.arange(length);
        NDArray queries = positions.maximum(prefixLength - 1).reshape(length, 1);
        NDArray keys = positions.reshape(1, length);
        return keys.lte(queries).reshape(1, length, length);
    }

    /**
     * Both masks allow the pair; shapes broadcast.
     *
     * @param a a mask
     * @param b another mask
     * @return the element-wise logical and
     */
    public static NDArray and(NDArray a, NDArray b) {
        return toBoolean(a).logicalAnd(toBoolean(b));
    }

    static NDArray toBoolean(NDArray mask) {
        return mask.getDataType() == DataType.BOOLEAN ? mask : mask.neq(0);
    }

    /**
     * Checks that a mask broadcasts against attention scores of {@code (B, T, S)}.
     *
     * @param mask a mask shape, {@code (B, S)} or {@code (B|1, T|1, S)}
     * @param batch B
     * @param queries T
     * @param keys S
     */
    static void checkShape(Shape mask, long batch, long queries, long keys) {
        boolean ok;
        if (mask.dimension() == 2) {
            ok = fits(mask.get(0), batch) && mask.get(1) == keys;
        } else if (mask.dimension() == 3) {
            ok = fits(mask.get(0), batch) && fits(mask.get(1), queries) && mask.get(2) == keys;
        } else {
            ok = false;
        }
        if (!ok) {
            throw new IllegalArgumentException("attention mask " + mask + " does not fit queries (" + batch + ", "
                    + queries + ") and keys (" + batch + ", " + keys + "); use (B, S) or (B|1, T|1, S)");
        }
    }

    private static boolean fits(long dim, long size) {
        return dim == 1 || dim == size || size == -1;
    }
}
