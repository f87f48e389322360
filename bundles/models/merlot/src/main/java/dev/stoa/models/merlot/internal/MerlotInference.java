package dev.stoa.models.merlot.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import java.util.ArrayList;
import java.util.List;

/** One trained MERLOT version, as its services call it. Thread-safe; owns the manager its parameters live in. */
final class MerlotInference implements AutoCloseable {

    /** A clip question's answer: the word and its probability among the question's candidates. */
    record Answer(String word, double probability) {}

    /** A text matched against a clip's frames: the best frame and its score, and every frame's. */
    record Match(double score, int frame, List<Double> frameScores) {}

    private final String modelId;
    private final Merlot model;
    private final MerlotTokens tokens;
    private final NDManager manager;
    private final MerlotRunner runner;

    MerlotInference(String modelId, Merlot model, MerlotTokens tokens, NDManager manager) {
        this.modelId = modelId;
        this.model = model;
        this.tokens = tokens;
        this.manager = manager;
        this.runner = new MerlotRunner(model, tokens);
    }

    String modelId() {
        return modelId;
    }

    MerlotConfig config() {
        return model.config();
    }

    MerlotTokens tokens() {
        return tokens;
    }

    /** @return {@code order[k]} = the input index of the k-th frame in time */
    int[] order(List<Image> frames) {
        float[] scores = runner.orderScores(List.of(frames), ps(), manager)[0];
        return FrameOrder.decode(scores, frames.size());
    }

    /** @return the answer to a clip question, frames in time order */
    Answer answer(List<Image> frames, ClipQuestion question) {
        float[] p = runner.answerScores(List.of(frames), question, ps(), manager)[0];
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        int best = MerlotEvaluation.argmax(p);
        return new Answer(question.answers().get(best), p[best] / sum);
    }

    /**
     * @return how well a sentence describes the clip's frames: per frame {@code (1 + cos(f_k, t)) / 2} of the
     *     contrastive embeddings, and the best frame's
     */
    Match match(List<Image> frames, String text) {
        float[][][] emb = runner.embeddings(List.of(frames), List.of(text), ps(), manager);
        List<Double> scores = new ArrayList<>();
        int best = 0;
        for (int k = 0; k < frames.size(); k++) {
            scores.add((1 + MerlotRunner.dot(emb[0][k], emb[1][0])) / 2);
            if (scores.get(k) > scores.get(best)) {
                best = k;
            }
        }
        return new Match(scores.get(best), best, scores);
    }

    private ParameterStore ps() {
        return new ParameterStore(manager, false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
