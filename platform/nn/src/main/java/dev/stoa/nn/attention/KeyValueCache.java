package dev.stoa.nn.attention;

import ai.djl.ndarray.NDArray;

/**
 * The keys and values one self-attention block has computed for the positions seen so far, so incremental decoding
 * projects only the new positions: {@code keys, values (B, H, S, d)} for S positions, H heads of size d. Immutable:
 * {@link MultiHeadAttention#forwardWithCache} returns a new cache with the new positions appended, so one cache can
 * be extended several ways (beam search).
 *
 * @param keys {@code (B, H, S, d)}, after the key projection
 * @param values {@code (B, H, S, d)}, after the value projection
 */
public record KeyValueCache(NDArray keys, NDArray values) {

    public KeyValueCache {
        if (!keys.getShape().equals(values.getShape()) || keys.getShape().dimension() != 4) {
            throw new IllegalArgumentException(
                    "keys and values must both be (B, H, S, d), got " + keys.getShape() + " and " + values.getShape());
        }
    }

    /** @return S, the number of cached positions */
    public long length() {
        return keys.getShape().get(2);
    }
}
