package dev.stoa.bench;

/**
 * Forward-pass FLOPs of all-MiniLM-L6-v2 (BERT: L = 6 layers, d = 384, FFN 1536, 12 heads), one multiply-add = 2
 * FLOPs, matrix products only (layer norms, softmax, GELU and embeddings add well under 1%):
 *
 * <pre>
 * per layer, S tokens:  2 S (4 d^2)        Q, K, V and output projections
 *                     + 2 S (2 d d_ff)     the two FFN matrices
 *                     + 2 (2 S^2 d)        Q K^T and the attention-weighted sum of V
 * total = L x that
 * </pre>
 *
 * For S = 12: 6 x (12 x 3.54 M + 4 x 144 x 384) = 256 MFLOPs.
 */
final class MiniLmFlops {

    static final int LAYERS = 6;
    static final int HIDDEN = 384;
    static final int FFN = 1536;

    private MiniLmFlops() {}

    /** @param tokens S, the sequence length with [CLS] and [SEP] */
    static double forward(double tokens) {
        double projections = 2 * tokens * 4.0 * HIDDEN * HIDDEN;
        double ffn = 2 * tokens * 2.0 * HIDDEN * FFN;
        double attention = 2 * 2 * tokens * tokens * HIDDEN;
        return LAYERS * (projections + ffn + attention);
    }
}
