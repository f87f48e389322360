package dev.stoa.api.data;

import dev.stoa.api.StoaException;
import java.util.Arrays;

/**
 * A sequence of token ids from some tokenizer, shape {@code (T)}, with an optional attention mask (1 = real token,
 * 0 = padding) of the same length.
 *
 * @param ids the token ids
 * @param attentionMask the mask, or {@code null} when every token is real
 */
public record Tokens(long[] ids, int[] attentionMask) {

    public Tokens {
        if (ids == null) {
            throw StoaException.badInput("ids", "is missing; send an array of token ids");
        }
        if (attentionMask != null && attentionMask.length != ids.length) {
            throw StoaException.badInput(
                    "attentionMask",
                    "has " + attentionMask.length + " entries but ids has " + ids.length
                            + "; they must be the same length");
        }
    }

    /** A sequence with every token real. */
    public Tokens(long[] ids) {
        this(ids, null);
    }

    /** @return the number of tokens {@code T} */
    public int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tokens t && Arrays.equals(ids, t.ids) && Arrays.equals(attentionMask, t.attentionMask);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(attentionMask);
    }

    @Override
    public String toString() {
        return "Tokens[length=" + ids.length + "]";
    }
}
