package dev.stoa.models.merlot.internal;

/**
 * Decodes a whole frame order from MERLOT's pairwise scores (the paper classifies each pair "i before j"; an order is
 * the permutation that agrees best with them). With {@code w(a, b) = log p(a before b)} for every ordered pair, the best
 * order maximises {@code Σ_{a before b} w(a, b)} (the linear ordering problem); for F <= 8 it is solved exactly by a
 * dynamic programme over subsets: {@code best(S ∪ {l}) = max best(S) + Σ_{k ∈ S} w(k, l)}, O(2^F · F²).
 */
final class FrameOrder {

    private FrameOrder() {}

    /** @return the pairs (i, j), i < j, in the order the model's order head scores them */
    static int[][] pairs(int frames) {
        int[][] out = new int[frames * (frames - 1) / 2][];
        int p = 0;
        for (int i = 0; i < frames; i++) {
            for (int j = i + 1; j < frames; j++) {
                out[p++] = new int[] {i, j};
            }
        }
        return out;
    }

    /**
     * @param before {@code before[p]} = probability that pair p's first slot comes before its second, pairs as
     *     {@link #pairs}
     * @param frames F
     * @return {@code order[k]} = the slot of the k-th frame in time
     */
    static int[] decode(float[] before, int frames) {
        double[][] w = new double[frames][frames];
        int[][] pairs = pairs(frames);
        for (int p = 0; p < pairs.length; p++) {
            double q = Math.min(1 - 1e-6, Math.max(1e-6, before[p]));
            w[pairs[p][0]][pairs[p][1]] = Math.log(q);
            w[pairs[p][1]][pairs[p][0]] = Math.log(1 - q);
        }
        int full = 1 << frames;
        double[] best = new double[full];
        int[] last = new int[full];
        java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
        best[0] = 0;
        for (int s = 0; s < full; s++) {
            if (best[s] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            for (int l = 0; l < frames; l++) {
                if ((s & 1 << l) != 0) {
                    continue;
                }
                double score = best[s];
                for (int k = 0; k < frames; k++) {
                    if ((s & 1 << k) != 0) {
                        score += w[k][l];
                    }
                }
                int t = s | 1 << l;
                if (score > best[t]) {
                    best[t] = score;
                    last[t] = l;
                }
            }
        }
        int[] order = new int[frames];
        int s = full - 1;
        for (int k = frames - 1; k >= 0; k--) {
            order[k] = last[s];
            s &= ~(1 << last[s]);
        }
        return order;
    }
}
