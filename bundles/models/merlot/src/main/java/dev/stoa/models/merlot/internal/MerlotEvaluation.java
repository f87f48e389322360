package dev.stoa.models.merlot.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * MERLOT's measures on held-out clips, as the trainer reports them ({@code <metric>/<split>}):
 *
 * <ul>
 *   <li>{@code order_accuracy}: each clip's frames shuffled (a fixed permutation per clip, never the identity), the
 *       whole order decoded from the pairwise scores ({@link FrameOrder}) and right; chance 1/F! (1/24 for 4 frames).
 *       {@code order_pairwise_accuracy}: the pairs "i before j" classified right; chance 1/2.
 *   <li>{@code qa_accuracy}: the clip questions that apply ({@link ClipQuestion}: colour at the end, at the start,
 *       direction of the moves, shape), frames in order and no transcript, answered by the masked-word head;
 *       {@code qa_<kind>_accuracy} per kind (chance 1/6, 1/6, 1/4, 1/5).
 *   <li>{@code match_accuracy}: frame-transcript matching, each frame's embedding against the clip's F transcript
 *       sentences, right when the nearest is its own sentence (or one with the same words); chance about 1/F.
 * </ul>
 */
final class MerlotEvaluation {

    private static final int BATCH = 32;
    private static final long SHUFFLE_SEED = 0x4D45524CL;

    private final MerlotRunner runner;
    private final int frames;

    MerlotEvaluation(Merlot model, MerlotTokens tokens) {
        this.runner = new MerlotRunner(model, tokens);
        this.frames = model.config().frames();
    }

    Map<String, Double> evaluate(List<Example> examples, String split, ParameterStore ps, NDManager manager) {
        int orderRight = 0;
        int pairsRight = 0;
        int pairs = 0;
        int matchRight = 0;
        int matchCount = 0;
        Map<ClipQuestion, int[]> qa = new LinkedHashMap<>();
        for (ClipQuestion q : ClipQuestion.values()) {
            qa.put(q, new int[2]);
        }
        int[][] pairIndex = FrameOrder.pairs(frames);
        for (int from = 0; from < examples.size(); from += BATCH) {
            List<Example> chunk = examples.subList(from, Math.min(examples.size(), from + BATCH));
            List<List<Image>> clips = new ArrayList<>();
            List<List<Image>> shuffled = new ArrayList<>();
            List<int[]> perms = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                List<Image> clip = ClipFrames.of(chunk.get(i), frames);
                clips.add(clip);
                int[] perm = PretrainingClips.shuffle(frames, new SplittableRandom(SHUFFLE_SEED + from + i));
                perms.add(perm);
                List<Image> s = new ArrayList<>();
                for (int slot = 0; slot < frames; slot++) {
                    s.add(clip.get(perm[slot]));
                }
                shuffled.add(s);
            }
            float[][] scores = runner.orderScores(shuffled, ps, manager);
            for (int i = 0; i < chunk.size(); i++) {
                int[] perm = perms.get(i);
                int[] order = FrameOrder.decode(scores[i], frames);
                boolean right = true;
                for (int k = 0; k < frames; k++) {
                    right &= perm[order[k]] == k;
                }
                orderRight += right ? 1 : 0;
                for (int p = 0; p < pairIndex.length; p++) {
                    boolean before = perm[pairIndex[p][0]] < perm[pairIndex[p][1]];
                    pairsRight += (scores[i][p] > 0.5f) == before ? 1 : 0;
                    pairs++;
                }
            }
            for (ClipQuestion q : ClipQuestion.values()) {
                List<List<Image>> asked = new ArrayList<>();
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    String a = q.answer(chunk.get(i));
                    if (a != null) {
                        asked.add(clips.get(i));
                        answers.add(a);
                    }
                }
                if (asked.isEmpty()) {
                    continue;
                }
                float[][] p = runner.answerScores(asked, q, ps, manager);
                for (int i = 0; i < asked.size(); i++) {
                    qa.get(q)[0] += q.answers().get(argmax(p[i])).equals(answers.get(i)) ? 1 : 0;
                    qa.get(q)[1]++;
                }
            }
            List<String> sentences = new ArrayList<>();
            chunk.forEach(e -> sentences.addAll(e.captions()));
            float[][][] emb = runner.embeddings(clips, sentences, ps, manager);
            for (int i = 0; i < chunk.size(); i++) {
                List<String> own = chunk.get(i).captions();
                for (int k = 0; k < frames; k++) {
                    int best = 0;
                    double bestScore = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < frames; j++) {
                        double s = MerlotRunner.dot(emb[0][i * frames + k], emb[1][i * frames + j]);
                        if (s > bestScore) {
                            bestScore = s;
                            best = j;
                        }
                    }
                    matchRight += own.get(best).equals(own.get(k)) ? 1 : 0;
                    matchCount++;
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("order_accuracy/" + split, orderRight / (double) Math.max(1, examples.size()));
        out.put("order_pairwise_accuracy/" + split, pairsRight / (double) Math.max(1, pairs));
        int right = 0;
        int asked = 0;
        for (Map.Entry<ClipQuestion, int[]> e : qa.entrySet()) {
            right += e.getValue()[0];
            asked += e.getValue()[1];
        }
        out.put("qa_accuracy/" + split, right / (double) Math.max(1, asked));
        for (Map.Entry<ClipQuestion, int[]> e : qa.entrySet()) {
            out.put(
                    "qa_" + e.getKey().metric() + "_accuracy/" + split,
                    e.getValue()[0] / (double) Math.max(1, e.getValue()[1]));
        }
        out.put("match_accuracy/" + split, matchRight / (double) Math.max(1, matchCount));
        return out;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
