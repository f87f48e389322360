package dev.stoa.vectors.cuda.internal;

import java.util.Arrays;

/**
 * Partial selection of the {@code k} best scores: a bounded heap whose root is the worst kept, so a stream of
 * {@code n} scores costs {@code O(n log k)} and {@code O(k)} memory. Ties rank the lower row first, so a GPU and a CPU
 * search that compute the same scores return the same rows in the same order.
 */
public final class TopK {

    /**
     * The selected rows, best first.
     *
     * @param rows the rows' indexes
     * @param scores their scores, in the same order, descending
     */
    public record Hits(int[] rows, float[] scores) {
        /** @return how many were selected (at most k) */
        public int size() {
            return rows.length;
        }
    }

    private final int k;
    private final float[] scores;
    private final int[] rows;
    private int size;

    /** @param k how many to keep, at least 1 */
    public TopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k is " + k + "; keep at least 1");
        }
        this.k = k;
        this.scores = new float[k];
        this.rows = new int[k];
    }

    /** Forgets what was offered, to select again. */
    public void reset() {
        size = 0;
    }

    /** @return the score a new row must beat to be kept, or negative infinity while fewer than k are kept */
    public float threshold() {
        return size < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    /**
     * Offers a row.
     *
     * @param score its score
     * @param row its index
     */
    public void offer(float score, int row) {
        if (size < k) {
            int i = size++;
            scores[i] = score;
            rows[i] = row;
            siftUp(i);
        } else if (better(score, row, scores[0], rows[0])) {
            scores[0] = score;
            rows[0] = row;
            siftDown(0);
        }
    }

    /**
     * Offers a run of scores.
     *
     * @param values the scores
     * @param from the first to read
     * @param count how many
     * @param firstRow the row of {@code values[from]}; the others follow it
     */
    public void offerAll(float[] values, int from, int count, int firstRow) {
        for (int i = 0; i < count; i++) {
            float s = values[from + i];
            if (size < k || s >= scores[0]) {
                offer(s, firstRow + i);
            }
        }
    }

    /** @return what is kept, best first (score descending, then row ascending) */
    public Hits result() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> better(scores[a], rows[a], scores[b], rows[b]) ? -1 : a.equals(b) ? 0 : 1);
        int[] r = new int[size];
        float[] s = new float[size];
        for (int i = 0; i < size; i++) {
            r[i] = rows[order[i]];
            s[i] = scores[order[i]];
        }
        return new Hits(r, s);
    }

    /**
     * Selects the k best of an array.
     *
     * @param values the scores, row i at index i
     * @param k how many
     * @return the best, best first
     */
    public static Hits select(float[] values, int k) {
        TopK top = new TopK(k);
        top.offerAll(values, 0, values.length, 0);
        return top.result();
    }

    /** @return whether (s1, r1) ranks before (s2, r2) */
    static boolean better(float s1, int r1, float s2, int r2) {
        return s1 > s2 || (s1 == s2 && r1 < r2);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(scores[parent], rows[parent], scores[i], rows[i])) {
                return; // the parent is already the worse of the two
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && better(scores[left], rows[left], scores[right], rows[right])) {
                worst = right;
            }
            if (!better(scores[i], rows[i], scores[worst], rows[worst])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int r = rows[a];
        rows[a] = rows[b];
        rows[b] = r;
    }
}
