package dev.stoa.nn.text;

/**
 * The ids {@link ByteTokenizer} and {@link WordTokenizer} reserve, below every text id: padding 0, start of text 1,
 * end of text 2, unknown 3. Rows are {@code [SOT, t_1, ..., t_n, EOT, PAD, ...]}, so a causal encoder pools at the
 * EOT (CLIP) and a bidirectional one at the SOT, which serves as BERT's {@code [CLS]}.
 */
public final class SpecialTokens {

    /** Padding after the end-of-text token. */
    public static final long PAD = 0;
    /** Start of text; the class token of bidirectional encoders. */
    public static final long START = 1;
    /** End of text; where CLIP's causal text encoder pools. */
    public static final long END = 2;
    /** A word not in the vocabulary. */
    public static final long UNKNOWN = 3;
    /** How many ids are reserved. */
    public static final int COUNT = 4;

    private SpecialTokens() {}

    /**
     * Frames one text's ids as {@code [SOT, ids..., EOT]} padded to {@code contextLength}, truncating the text so the
     * EOT always fits.
     *
     * @param ids the text's own ids
     * @param contextLength T, at least 2
     * @param row where to write T ids
     * @return the number of real tokens, SOT and EOT included
     */
    static int frame(long[] ids, int contextLength, long[] row) {
        int kept = Math.min(ids.length, contextLength - 2);
        row[0] = START;
        System.arraycopy(ids, 0, row, 1, kept);
        row[kept + 1] = END;
        for (int i = kept + 2; i < contextLength; i++) {
            row[i] = PAD;
        }
        return kept + 2;
    }
}
