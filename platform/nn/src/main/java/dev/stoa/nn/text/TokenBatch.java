package dev.stoa.nn.text;

/**
 * Texts as token ids for a text encoder: {@code ids (B, T)}, every row padded to the same T, and {@code lengths (B)},
 * the number of real tokens in each row; {@code ids[b][lengths[b] - 1]} is the row's last real token (the
 * end-of-text token for tokenizers that add one, where CLIP pools).
 *
 * @param ids {@code (B, T)} token ids
 * @param lengths {@code (B)} real tokens per row, each in {@code [1, T]}
 */
public record TokenBatch(long[][] ids, long[] lengths) {

    public TokenBatch {
        if (ids.length != lengths.length) {
            throw new IllegalArgumentException(ids.length + " rows of ids but " + lengths.length + " lengths");
        }
        for (int b = 0; b < ids.length; b++) {
            if (ids[b].length != ids[0].length || lengths[b] < 1 || lengths[b] > ids[b].length) {
                throw new IllegalArgumentException("row " + b + " has " + ids[b].length + " ids and length "
                        + lengths[b] + "; rows need one width T and a length in [1, T]");
            }
        }
    }

    /** @return B, the number of texts */
    public int batchSize() {
        return ids.length;
    }

    /** @return T, the padded length of every row */
    public int contextLength() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    /** @return the ids as one row-major array of {@code B * T}, for {@code NDManager.create(long[], Shape)} */
    public long[] flatIds() {
        int t = contextLength();
        long[] flat = new long[ids.length * t];
        for (int b = 0; b < ids.length; b++) {
            System.arraycopy(ids[b], 0, flat, b * t, t);
        }
        return flat;
    }
}
