package dev.stoa.models.merlot.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import java.util.List;

/**
 * Runs a MERLOT block without gradients for what the evaluation and the services ask: pairwise order scores of clips
 * whose frames come in any order, the answer words of a clip-level question, and the frame and sentence embeddings of
 * the contrastive term.
 */
final class MerlotRunner {

    private final Merlot model;
    private final MerlotTokens tokens;

    MerlotRunner(Merlot model, MerlotTokens tokens) {
        this.model = model;
        this.tokens = tokens;
    }

    private MerlotConfig config() {
        return model.config();
    }

    /**
     * @param clips B clips, frames in any order
     * @return {@code [b][p]}: the probability that pair p's first slot comes before its second ({@link FrameOrder#pairs})
     */
    float[][] orderScores(List<List<Image>> clips, ParameterStore ps, NDManager parent) {
        int f = config().frames();
        try (NDManager m = parent.newSubManager()) {
            long[][] times = new long[clips.size()][f];
            for (long[] row : times) {
                for (int s = 0; s < f; s++) {
                    row[s] = model.unknownTime(s);
                }
            }
            NDList out = forward(clips, emptyText(clips.size()), times, m, ps);
            NDArray p = out.get(3).softmax(-1).get(":, 1").reshape(clips.size(), config().pairs());
            return rows(p.toFloatArray(), clips.size(), config().pairs());
        }
    }

    /**
     * @param clips B clips, frames in time order
     * @param question the question
     * @return {@code [b][a]}: the probability of each of the question's answer words at the masked position
     */
    float[][] answerScores(List<List<Image>> clips, ClipQuestion question, ParameterStore ps, NDManager parent) {
        int f = config().frames();
        int l = config().textLength();
        int[] statement = tokens.encode(question.statement(question.answers().get(0)));
        int at = question.prefix().split(" ").length + 1;
        statement[at] = tokens.maskId();
        long[][] ids = emptyText(clips.size());
        for (long[] row : ids) {
            for (int t = 0; t < l; t++) {
                row[f * l + t] = statement[t];
            }
        }
        try (NDManager m = parent.newSubManager()) {
            NDList out = forward(clips, ids, orderedTimes(clips.size()), m, ps);
            float[] p = out.get(2).get(":, " + (f * l + at) + ", :").softmax(-1).toFloatArray();
            int v = model.vocabularySize();
            float[][] scores = new float[clips.size()][question.answers().size()];
            for (int b = 0; b < clips.size(); b++) {
                for (int a = 0; a < question.answers().size(); a++) {
                    scores[b][a] = p[b * v + tokens.id(question.answers().get(a))];
                }
            }
            return scores;
        }
    }

    /**
     * @param clips B clips, frames in time order
     * @param sentences M sentences
     * @return {@code [frame embeddings (B·F, D) as rows, sentence embeddings (M, D) as rows]}, each row L2-normalised
     */
    float[][][] embeddings(List<List<Image>> clips, List<String> sentences, ParameterStore ps, NDManager parent) {
        int l = config().textLength();
        long[][] rows = new long[sentences.size()][];
        for (int i = 0; i < rows.length; i++) {
            int[] ids = tokens.encode(sentences.get(i));
            rows[i] = new long[l];
            for (int t = 0; t < l; t++) {
                rows[i][t] = ids[t];
            }
        }
        try (NDManager m = parent.newSubManager()) {
            NDList out = forward(clips, emptyText(clips.size()), orderedTimes(clips.size()), rows, m, ps);
            return new float[][][] {normalised(out.get(0)), normalised(out.get(1))};
        }
    }

    private static float[][] normalised(NDArray x) {
        NDArray n = x.div(x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f));
        return rows(
                n.toFloatArray(), (int) x.getShape().get(0), (int) x.getShape().get(1));
    }

    private NDList forward(List<List<Image>> clips, long[][] ids, long[][] times, NDManager m, ParameterStore ps) {
        long[][] sentence = {toLong(tokens.empty())};
        return forward(clips, ids, times, sentence, m, ps);
    }

    private NDList forward(
            List<List<Image>> clips, long[][] ids, long[][] times, long[][] sentences, NDManager m, ParameterStore ps) {
        NDList in = new NDList(
                ClipFrames.batch(m, clips, config().imageSize()),
                MerlotTrainable.rows(m, ids),
                MerlotTrainable.rows(m, times),
                MerlotTrainable.rows(m, sentences));
        return model.forward(ps, in, false);
    }

    /** @return B rows of empty segments: no transcript, no statement */
    private long[][] emptyText(int b) {
        int f = config().frames();
        int l = config().textLength();
        long[] empty = toLong(tokens.empty());
        long[][] ids = new long[b][(f + 1) * l];
        for (long[] row : ids) {
            for (int k = 0; k <= f; k++) {
                System.arraycopy(empty, 0, row, k * l, l);
            }
        }
        return ids;
    }

    private long[][] orderedTimes(int b) {
        long[][] times = new long[b][config().frames()];
        for (long[] row : times) {
            for (int k = 0; k < row.length; k++) {
                row[k] = k;
            }
        }
        return times;
    }

    private static long[] toLong(int[] row) {
        long[] out = new long[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i];
        }
        return out;
    }

    private static float[][] rows(float[] flat, int n, int width) {
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, out[i], 0, width);
        }
        return out;
    }

    /** @return the cosine of two normalised rows */
    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
