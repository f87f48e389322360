package dev.stoa.gpucheck;

import dev.stoa.vectors.cuda.internal.TopK;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** The CPU side of the device check: data, reference products, recall and percentiles. Unit-tested without a GPU. */
public final class Measures {

    private Measures() {}

    /**
     * @param count how many floats
     * @param seed the seed; the same seed gives the same floats whatever the core count
     * @return standard normal floats, filled in parallel blocks of 2^20 each seeded from {@code seed} and its index
     */
    public static float[] gaussian(int count, long seed) {
        float[] out = new float[count];
        int block = 1 << 20;
        int blocks = (count + block - 1) / block;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + b);
            int end = Math.min(count, (b + 1) * block);
            for (int i = b * block; i < end; i++) {
                // Box-Muller without caching the second value: plenty fast and independent of thread layout
                double u = r.nextDouble();
                double v = r.nextDouble();
                out[i] = (float) (Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
            }
        });
        return out;
    }

    /**
     * Row-major {@code C = A B} in double precision, and the element-wise bound {@code sum |a||b|} that rounding
     * errors of a float product scale with.
     *
     * @return {@code [C, bound]}, each {@code m x n} row-major
     */
    public static double[][] product(float[] a, float[] b, int m, int n, int k) {
        double[] c = new double[m * n];
        double[] bound = new double[m * n];
        IntStream.range(0, m).parallel().forEach(i -> {
            for (int p = 0; p < k; p++) {
                double x = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    double y = b[p * n + j];
                    c[i * n + j] += x * y;
                    bound[i * n + j] += Math.abs(x * y);
                }
            }
        });
        return new double[][] {c, bound};
    }

    /**
     * The largest error of a float product relative to its rounding bound: a float32 dot product of length k with
     * any summation order errs by at most about {@code k * 2^-24} of {@code sum |a||b|}.
     *
     * @return max over elements of {@code |gpu - exact| / bound}
     */
    public static double relativeError(float[] gpu, double[] exact, double[] bound) {
        double worst = 0;
        for (int i = 0; i < gpu.length; i++) {
            double e = Math.abs(gpu[i] - exact[i]) / Math.max(bound[i], Double.MIN_NORMAL);
            worst = Math.max(worst, e);
        }
        return worst;
    }

    /**
     * Recall of a search against the exact one: the share of the exact top-k rows the search returned.
     *
     * @param found what the search returned per query
     * @param exact the exact answer per query
     * @return in [0, 1]
     */
    public static double recall(TopK.Hits[] found, TopK.Hits[] exact) {
        long hit = 0;
        long total = 0;
        for (int q = 0; q < exact.length; q++) {
            int[] f = found[q].rows();
            for (int r : exact[q].rows()) {
                total++;
                for (int x : f) {
                    if (x == r) {
                        hit++;
                        break;
                    }
                }
            }
        }
        return total == 0 ? 1.0 : (double) hit / total;
    }

    /**
     * Recall that forgives a swap at the k-th place between rows whose exact scores differ by less than
     * {@code tolerance} (a float GEMM and a double reference may order near-ties differently): a returned row counts
     * when its exact score is at least the exact k-th score minus the tolerance.
     *
     * @param exactScoreOf the exact score of a query's row: {@code (query, row) -> score}
     */
    public static double recallWithTies(TopK.Hits[] found, TopK.Hits[] exact, double tolerance, RowScore exactScoreOf) {
        long hit = 0;
        long total = 0;
        for (int q = 0; q < exact.length; q++) {
            float[] s = exact[q].scores();
            double kth = s.length == 0 ? Double.NEGATIVE_INFINITY : s[s.length - 1];
            for (int r : found[q].rows()) {
                total++;
                if (exactScoreOf.score(q, r) >= kth - tolerance) {
                    hit++;
                }
            }
            total += Math.max(0, exact[q].size() - found[q].size()); // fewer hits than exact: the missing ones miss
        }
        return total == 0 ? 1.0 : (double) hit / total;
    }

    /** The exact score of a row for a query. */
    @FunctionalInterface
    public interface RowScore {
        double score(int query, int row);
    }

    /**
     * @param nanos samples
     * @param p in [0, 100]
     * @return the p-th percentile in milliseconds (nearest rank)
     */
    public static double percentileMs(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
    }

    /** @return {@code value} rounded to {@code digits} decimals */
    public static double round(double value, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(value * f) / f;
    }
}
