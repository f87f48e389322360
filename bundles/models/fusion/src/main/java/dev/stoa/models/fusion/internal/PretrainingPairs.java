package dev.stoa.models.fusion.internal;

import dev.stoa.api.dataset.Example;
import dev.stoa.models.fusion.internal.SceneCaptions.Scene;
import dev.stoa.nn.heads.TokenMasking;
import dev.stoa.nn.text.SpecialTokens;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Turns a batch of scenes into VisualBERT's two pretraining tasks. Each pair is one of:
 *
 * <ul>
 *   <li>a masked-language-modelling pair ({@code mlm_fraction} of them): the scene's own caption, words masked as
 *       BERT does ({@link TokenMasking}: 80% [MASK], 10% a random word, 10% kept), colour, shape and number words
 *       with {@code grounded_mask_probability}, others with {@code mask_probability}; matching label -1 (ignored);
 *   <li>a sentence-image pair, unmasked: the caption is replaced with probability {@code negative_fraction} (label
 *       0), by a one-attribute hard negative (colour, shape or count changed, {@link SceneCaptions}) with probability
 *       {@code hard_negative_fraction}, else by a random caption; label 1 when kept.
 * </ul>
 *
 * <p>The image is never masked: it is passed as it is, only the text is. Words are masked only where the caption
 * matches the image (as UNITER and ViLBERT do), since a word of a wrong caption cannot be recovered from the image;
 * and the matching pairs are left unmasked, so a masked colour never hides the attribute a hard negative changed.
 */
final class PretrainingPairs {

    /** The ids, masked-token labels and matching labels of a batch; {@code aligned[b] == -1} marks an MLM pair. */
    record Batch(long[][] ids, long[][] labels, long[] aligned) {}

    /**
     * The options of the two tasks, as a variant names them (VisualBERT's and ViLBERT's variants share these keys).
     *
     * @param textLength T
     * @param maxCount the most copies a caption counts
     * @param maskProbability BERT's p for words other than colour, shape and number words
     * @param groundedMaskProbability p for colour, shape and number words
     * @param mlmFraction the fraction of pairs for masked modelling
     * @param negativeFraction of the matching pairs, the fraction whose caption is replaced
     * @param hardNegativeFraction of those, the fraction changed in one attribute
     */
    record Options(
            int textLength,
            int maxCount,
            double maskProbability,
            double groundedMaskProbability,
            double mlmFraction,
            double negativeFraction,
            double hardNegativeFraction) {}

    private final Options config;
    private final FusionTokens tokens;
    private final TokenMasking masking;
    private final Set<Long> grounded;

    PretrainingPairs(Options config, FusionTokens tokens) {
        this.config = config;
        this.tokens = tokens;
        this.masking = new TokenMasking(
                config.maskProbability(),
                (int) tokens.maskId(),
                SpecialTokens.COUNT,
                tokens.words().vocabularySize(),
                true);
        this.grounded = groundedIds(tokens);
    }

    /** @return the ids of the colour, shape and number words */
    static Set<Long> groundedIds(FusionTokens tokens) {
        return SceneCaptions.vocabulary().stream()
                .filter(w -> SceneCaptions.COLOURS.contains(w)
                        || SceneCaptions.NUMBERS.contains(w)
                        || SceneCaptions.SHAPES.stream()
                                .anyMatch(s -> w.equals(s) || w.equals(SceneCaptions.plural(s))))
                .map(w -> tokens.words().toIds(w)[0])
                .collect(Collectors.toSet());
    }

    Batch make(List<Example> examples, SplittableRandom random) {
        int b = examples.size();
        long[][] ids = new long[b][];
        long[][] labels = new long[b][];
        long[] aligned = new long[b];
        for (int i = 0; i < b; i++) {
            Scene scene = SceneCaptions.scene(examples.get(i));
            int template = random.nextInt(SceneCaptions.TEMPLATES);
            labels[i] = new long[config.textLength()];
            java.util.Arrays.fill(labels[i], TokenMasking.IGNORED);
            if (random.nextDouble() < config.mlmFraction()) {
                long[] row = tokens.encode(SceneCaptions.caption(scene, template));
                int[][] masked = mask(row, random);
                ids[i] = toLong(masked[0]);
                labels[i] = toLong(masked[1]);
                aligned[i] = TokenMasking.IGNORED;
            } else if (random.nextDouble() < config.negativeFraction()) {
                Scene other = random.nextDouble() < config.hardNegativeFraction()
                        ? scene.change(SceneCaptions.attribute(config.maxCount(), random), random, config.maxCount())
                        : SceneCaptions.random(scene, random, config.maxCount());
                ids[i] = tokens.encode(SceneCaptions.caption(other, template));
                aligned[i] = 0;
            } else {
                ids[i] = tokens.encode(SceneCaptions.caption(scene, template));
                aligned[i] = 1;
            }
        }
        return new Batch(ids, labels, aligned);
    }

    private int[][] mask(long[] row, SplittableRandom random) {
        int[][] ids = {toInt(row)};
        boolean[][] preferred = new boolean[1][row.length];
        for (int t = 0; t < row.length; t++) {
            preferred[0][t] = grounded.contains(row[t]);
        }
        TokenMasking.Masked m =
                masking.mask(ids, id -> tokens.isWord(id), preferred, config.groundedMaskProbability(), random);
        return new int[][] {m.ids()[0], m.labels()[0]};
    }

    private static int[] toInt(long[] row) {
        int[] out = new int[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = (int) row[i];
        }
        return out;
    }

    private static long[] toLong(int[] row) {
        long[] out = new long[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i];
        }
        return out;
    }
}
