package dev.stoa.nn.decode;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The distribution cuts of sampling, on plain arrays ({@code (V)}), in the order Hugging Face applies them:
 * temperature, then top-k, then top-p. Ties in probability are broken by the lower id, so every cut is
 * deterministic.
 */
public final class SamplingFilters {

    private SamplingFilters() {}

    /**
     * {@code p_i = exp(l_i / T - m) / Σ_j exp(l_j / T - m)} with {@code m} the largest scaled logit, in double.
     *
     * @param logits {@code (V)}
     * @param temperature T &gt; 0
     * @return the probabilities {@code (V)}
     */
    public static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * @param probabilities {@code (V)}
     * @return the ids from most to least likely, ties by lower id
     */
    static int[] byProbability(double[] probabilities) {
        return IntStream.range(0, probabilities.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -probabilities[i])
                        .thenComparingInt(i -> i))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * @param probabilities {@code (V)}
     * @param k how many to keep; 0 or at least V keeps all
     * @return which ids the top-k cut keeps: the k most likely
     */
    public static boolean[] topK(double[] probabilities, int k) {
        boolean[] keep = new boolean[probabilities.length];
        if (k <= 0 || k >= probabilities.length) {
            Arrays.fill(keep, true);
            return keep;
        }
        int[] order = byProbability(probabilities);
        for (int i = 0; i < k; i++) {
            keep[order[i]] = true;
        }
        return keep;
    }

    /**
     * The nucleus of Holtzman et al. (2020): the smallest set of most likely ids whose probability is at least p.
     *
     * @param probabilities {@code (V)}, summing to 1 (or less, after another cut)
     * @param p in (0, 1]; 1 keeps every id of non-zero probability
     * @return which ids the top-p cut keeps
     */
    public static boolean[] topP(double[] probabilities, double p) {
        boolean[] keep = new boolean[probabilities.length];
        double total = Arrays.stream(probabilities).sum();
        double mass = 0;
        for (int id : byProbability(probabilities)) {
            if (probabilities[id] <= 0) {
                break;
            }
            keep[id] = true;
            mass += probabilities[id];
            // relative to what is left after earlier cuts; the tolerance absorbs rounding in the running sum
            if (mass >= p * total - 1e-12) {
                break;
            }
        }
        return keep;
    }

    /**
     * Applies temperature, top-k and top-p and renormalises.
     *
     * @param logits {@code (V)}
     * @param temperature T &gt; 0
     * @param k top-k (0: none)
     * @param p top-p (1: none)
     * @return the sampling distribution {@code (V)}: zero outside the kept set, summing to 1
     */
    public static double[] distribution(float[] logits, double temperature, int k, double p) {
        double[] probabilities = softmax(logits, temperature);
        boolean[] keptByK = topK(probabilities, k);
        for (int i = 0; i < probabilities.length; i++) {
            if (!keptByK[i]) {
                probabilities[i] = 0;
            }
        }
        boolean[] keptByP = p >= 1 ? keptByK : topP(probabilities, p);
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            if (!keptByP[i]) {
                probabilities[i] = 0;
            }
            sum += probabilities[i];
        }
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] /= sum;
        }
        return probabilities;
    }

    /**
     * @param distribution {@code (V)}, summing to 1
     * @param random the source of randomness
     * @return an id drawn from the distribution; never one of probability 0
     */
    public static int sample(double[] distribution, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < distribution.length; i++) {
            if (distribution[i] > 0) {
                cumulative += distribution[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // u landed in the rounding gap below 1
    }

    /**
     * @param logits {@code (V)}
     * @return the id of the largest logit, the lowest id on ties
     */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * @param logits {@code (V)}
     * @return {@code log softmax(logits)} in double
     */
    public static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - log;
        }
        return out;
    }
}
