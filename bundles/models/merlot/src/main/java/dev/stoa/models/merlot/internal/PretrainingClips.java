package dev.stoa.models.merlot.internal;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.heads.TokenMasking;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a batch of clips into MERLOT's pretraining inputs and labels. The first {@link MerlotConfig#ordered} clips
 * keep their frames in order: their transcripts (left out for a {@code transcript_drop} fraction) are masked the way
 * MERLOT masks, visually grounded words (colours, shapes, motion) more often than others ({@link TokenMasking}'s
 * preferred positions); their clip-level segment holds one statement ("it ends blue") with its answer masked; they
 * train the contrastive and masked-word terms. The other clips are shuffled (never left in order) and their frames
 * get the unknown time of their input slot (which tells them apart but not their order), their text is empty, and each pair of slots (i < j) is labelled 1 when slot i's frame came
 * first: the temporal reordering term.
 */
final class PretrainingClips {

    /** One batch: what {@link MerlotTrainable#inputs} turns into arrays. */
    record Batch(
            List<List<Image>> frames,
            long[][] ids,
            long[][] frameTimes,
            long[][] sentences,
            long[] sentenceLabels,
            long[][] tokenLabels,
            long[] pairLabels,
            int ordered) {}

    private final MerlotConfig config;
    private final MerlotTokens tokens;
    private final TokenMasking masking;

    PretrainingClips(MerlotConfig config, MerlotTokens tokens) {
        this.config = config;
        this.tokens = tokens;
        this.masking =
                new TokenMasking(config.maskProbability(), tokens.maskId(), 4, tokens.vocabularySize() - 1, true);
    }

    Batch make(List<Example> examples, SplittableRandom random) {
        int b = examples.size();
        int f = config.frames();
        int l = config.textLength();
        int ordered = config.ordered(b);
        List<List<Image>> frames = new ArrayList<>();
        long[][] ids = new long[b][(f + 1) * l];
        long[][] labels = new long[b][(f + 1) * l];
        long[][] times = new long[b][f];
        long[][] sentences = new long[b * f][];
        long[] sentenceLabels = new long[b * f];
        long[] pairLabels = new long[b * config.pairs()];
        Arrays.fill(pairLabels, TokenMasking.IGNORED);
        Map<String, Integer> sentenceIds = new HashMap<>();
        int[][] pairs = FrameOrder.pairs(f);
        for (int c = 0; c < b; c++) {
            Example e = examples.get(c);
            List<Image> clip = ClipFrames.of(e, f);
            Arrays.fill(labels[c], TokenMasking.IGNORED);
            for (int k = 0; k < f; k++) {
                String sentence = e.captions().get(k);
                sentences[c * f + k] = toLong(tokens.encode(sentence));
                sentenceLabels[c * f + k] = sentenceIds.computeIfAbsent(sentence, s -> sentenceIds.size());
            }
            if (c < ordered) {
                frames.add(clip);
                for (int k = 0; k < f; k++) {
                    times[c][k] = k;
                }
                boolean drop = random.nextDouble() < config.transcriptDrop();
                int[] row = new int[f * l];
                boolean[] preferred = new boolean[f * l];
                for (int k = 0; k < f; k++) {
                    int[] seg =
                            drop ? tokens.empty() : tokens.encode(e.captions().get(k));
                    System.arraycopy(seg, 0, row, k * l, l);
                }
                for (int t = 0; t < row.length; t++) {
                    preferred[t] = tokens.isGrounded(row[t]);
                }
                TokenMasking.Masked masked = masking.mask(
                        new int[][] {row},
                        id -> !drop && tokens.isWord(id),
                        new boolean[][] {preferred},
                        config.groundedMaskProbability(),
                        random);
                for (int t = 0; t < row.length; t++) {
                    ids[c][t] = masked.ids()[0][t];
                    labels[c][t] = masked.labels()[0][t];
                }
                List<ClipQuestion> questions = ClipQuestion.applicable(e);
                ClipQuestion q = questions.get(random.nextInt(questions.size()));
                String answer = q.answer(e);
                int[] statement = tokens.encode(q.statement(answer));
                // the answer is the statement's last word, always the mask token: as the question asks it
                int at = q.prefix().split(" ").length + 1;
                statement[at] = tokens.maskId();
                for (int t = 0; t < l; t++) {
                    ids[c][f * l + t] = statement[t];
                }
                labels[c][f * l + at] = tokens.id(answer);
            } else {
                int[] perm = shuffle(f, random);
                List<Image> shuffled = new ArrayList<>();
                for (int s = 0; s < f; s++) {
                    shuffled.add(clip.get(perm[s]));
                    times[c][s] = f + s;
                }
                frames.add(shuffled);
                int[] empty = tokens.empty();
                for (int k = 0; k <= f; k++) {
                    for (int t = 0; t < l; t++) {
                        ids[c][k * l + t] = empty[t];
                    }
                }
                for (int p = 0; p < pairs.length; p++) {
                    pairLabels[c * pairs.length + p] = perm[pairs[p][0]] < perm[pairs[p][1]] ? 1 : 0;
                }
            }
        }
        return new Batch(frames, ids, times, sentences, sentenceLabels, labels, pairLabels, ordered);
    }

    /** @return a permutation of 0..n-1 that is not the identity: slot s shows frame perm[s] */
    static int[] shuffle(int n, SplittableRandom random) {
        int[] perm = new int[n];
        while (true) {
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int i = 0; i < n; i++) {
                if (perm[i] != i) {
                    return perm;
                }
            }
        }
    }

    private static long[] toLong(int[] row) {
        long[] out = new long[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i];
        }
        return out;
    }
}
