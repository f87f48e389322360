package dev.stoa.onnxruntime.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.FloatBuffer;
import java.util.Locale;

/**
 * How a sentence encoder turns its per-token hidden states {@code (B, S, D)} into one vector per sentence
 * {@code (B, D)}. Padding positions (mask 0) never contribute.
 */
enum Pooling {

    /**
     * Mean over the real tokens: {@code e = sum_s m_s h_s / sum_s m_s}, as sentence-transformers' mean pooling
     * (all-MiniLM-L6-v2).
     */
    MEAN {
        @Override
        float[] pool(FloatBuffer hidden, int row, int seqLen, int dim, long[] mask) {
            float[] out = new float[dim];
            int base = row * seqLen * dim;
            long count = 0;
            for (int s = 0; s < seqLen; s++) {
                if (mask[row * seqLen + s] == 0) {
                    continue;
                }
                count++;
                int offset = base + s * dim;
                for (int d = 0; d < dim; d++) {
                    out[d] += hidden.get(offset + d);
                }
            }
            // a tokenizer always emits [CLS] and [SEP], so count > 0; guard anyway against a custom tokenizer
            float scale = count == 0 ? 0f : 1f / count;
            for (int d = 0; d < dim; d++) {
                out[d] *= scale;
            }
            return out;
        }
    },

    /** The first token's hidden state ({@code [CLS]}), as BAAI's bge models are trained to be read. */
    CLS {
        @Override
        float[] pool(FloatBuffer hidden, int row, int seqLen, int dim, long[] mask) {
            float[] out = new float[dim];
            hidden.get(row * seqLen * dim, out);
            return out;
        }
    };

    /**
     * Pools one row of a batch.
     *
     * @param hidden the hidden states, row-major {@code (B, S, D)}
     * @param row which sentence, in {@code [0, B)}
     * @param seqLen {@code S}
     * @param dim {@code D}
     * @param mask the attention mask, row-major {@code (B, S)}: 1 for a real token, 0 for padding
     * @return the sentence vector, {@code (D)}
     */
    abstract float[] pool(FloatBuffer hidden, int row, int seqLen, int dim, long[] mask);

    /**
     * Parses a pooling name as written in a config or descriptor.
     *
     * @param value {@code mean} or {@code cls}, any case
     * @param where the file or setting it came from, for the message
     * @return the pooling
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the accepted values
     */
    static Pooling parse(String value, String where) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, where + ": pooling is '" + value + "'; use 'mean' or 'cls'");
        }
    }

    /** Scales a vector to unit L2 norm in place; a zero vector stays zero. */
    static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }
}
