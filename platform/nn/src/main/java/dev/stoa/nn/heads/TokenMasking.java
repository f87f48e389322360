package dev.stoa.nn.heads;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * BERT's masking of token ids for masked language modelling (Devlin et al. 2019, section 3.1), as VisualBERT and
 * ViLBERT pretrain: each eligible position is chosen with probability {@code p}; a chosen position becomes the mask
 * token 80% of the time, a random token 10% and stays as it was 10%; its label is the original id. Positions not
 * chosen have label {@link #IGNORED}, so the loss reads only the chosen ones.
 *
 * <p>Padding and special tokens are never chosen ({@code eligible} says which ids may be). With
 * {@code atLeastOne}, a row with an eligible position but no chosen one gets one chosen uniformly among them, so
 * that short captions always give the loss something to predict. Some positions can be preferred: MERLOT masks
 * visually grounded words more often than others, and a preferred position is chosen with probability
 * {@code preferredProbability} instead of {@code p}.
 *
 * <p>The masking of a batch is a pure function of the random generator's state: the same seed masks the same
 * positions the same way on every machine.
 */
public final class TokenMasking {

    /** The label of a position the loss ignores. */
    public static final int IGNORED = -1;

    private final double probability;
    private final int maskToken;
    private final int randomFrom;
    private final int randomTo;
    private final boolean atLeastOne;

    /**
     * @param probability p, the chance that an eligible position is chosen, in (0, 1]
     * @param maskToken the id that replaces a chosen position 80% of the time
     * @param randomFrom the first id a random replacement may take (ids below are special tokens)
     * @param randomTo one past the last id a random replacement may take (the vocabulary size)
     * @param atLeastOne whether every row with an eligible position gets at least one chosen
     * @throws IllegalArgumentException if the probability or the id range is invalid
     */
    public TokenMasking(double probability, int maskToken, int randomFrom, int randomTo, boolean atLeastOne) {
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("masking probability must be in (0, 1], got " + probability);
        }
        if (randomFrom < 0 || randomTo <= randomFrom) {
            throw new IllegalArgumentException("random replacements need ids in [randomFrom, randomTo), got ["
                    + randomFrom + ", " + randomTo + ")");
        }
        this.probability = probability;
        this.maskToken = maskToken;
        this.randomFrom = randomFrom;
        this.randomTo = randomTo;
        this.atLeastOne = atLeastOne;
    }

    /** The masked ids the model reads and the labels the loss compares with, both {@code (B, T)}. */
    public record Masked(int[][] ids, int[][] labels) {

        /** @return how many positions were chosen (labels that are not {@link #IGNORED}) */
        public int chosen() {
            int n = 0;
            for (int[] row : labels) {
                for (int label : row) {
                    if (label != IGNORED) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    /**
     * Masks a batch, no position preferred.
     *
     * @param ids the token ids {@code (B, T)}; not modified
     * @param eligible which ids may be chosen (not padding, not special tokens)
     * @param random the source of randomness
     * @return the masked ids and the labels
     */
    public Masked mask(int[][] ids, IntPredicate eligible, SplittableRandom random) {
        return mask(ids, eligible, null, 0, random);
    }

    /**
     * Masks a batch, preferred positions chosen with their own probability.
     *
     * @param ids the token ids {@code (B, T)}; not modified
     * @param eligible which ids may be chosen (not padding, not special tokens)
     * @param preferred {@code (B, T)}, {@code true} where a position is preferred (e.g. a visually grounded word),
     *     or {@code null}
     * @param preferredProbability the chance that an eligible preferred position is chosen, in [0, 1]
     * @param random the source of randomness
     * @return the masked ids and the labels
     */
    public Masked mask(
            int[][] ids,
            IntPredicate eligible,
            boolean[][] preferred,
            double preferredProbability,
            SplittableRandom random) {
        if (!(preferredProbability >= 0 && preferredProbability <= 1)) {
            throw new IllegalArgumentException(
                    "preferred masking probability must be in [0, 1], got " + preferredProbability);
        }
        int[][] out = new int[ids.length][];
        int[][] labels = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            int[] row = ids[b];
            out[b] = row.clone();
            labels[b] = new int[row.length];
            Arrays.fill(labels[b], IGNORED);
            int eligibleCount = 0;
            boolean any = false;
            for (int t = 0; t < row.length; t++) {
                if (!eligible.test(row[t])) {
                    continue;
                }
                eligibleCount++;
                boolean prefer = preferred != null && preferred[b][t];
                if (random.nextDouble() < (prefer ? preferredProbability : probability)) {
                    choose(out[b], labels[b], t, row[t], random);
                    any = true;
                }
            }
            if (atLeastOne && !any && eligibleCount > 0) {
                int pick = random.nextInt(eligibleCount);
                for (int t = 0; t < row.length; t++) {
                    if (eligible.test(row[t]) && pick-- == 0) {
                        choose(out[b], labels[b], t, row[t], random);
                        break;
                    }
                }
            }
        }
        return new Masked(out, labels);
    }

    private void choose(int[] out, int[] labels, int t, int original, SplittableRandom random) {
        labels[t] = original;
        double r = random.nextDouble();
        if (r < 0.8) {
            out[t] = maskToken;
        } else if (r < 0.9) {
            out[t] = random.nextInt(randomFrom, randomTo);
        }
    }
}
