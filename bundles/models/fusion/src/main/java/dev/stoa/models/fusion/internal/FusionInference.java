package dev.stoa.models.fusion.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One trained version of a fusion encoder (VisualBERT, ViLBERT), as its services call it. Thread-safe; owns the manager its parameters live in.
 */
final class FusionInference implements AutoCloseable {

    /** The most words a fill-in answer lists per [MASK]. */
    static final int MAX_TOP = 20;

    /** One candidate word for a [MASK]. */
    record Candidate(String word, double probability) {}

    /** The candidates for one [MASK], at its word position (0 = the text's first word). */
    record Fill(int position, List<Candidate> words) {}

    private final String modelId;
    private final FusionEncoder model;
    private final FusionTokens tokens;
    private final NDManager manager;
    private final FusionEvaluation runner;

    FusionInference(String modelId, FusionEncoder model, FusionTokens tokens, NDManager manager) {
        this.modelId = modelId;
        this.model = model;
        this.tokens = tokens;
        this.manager = manager;
        this.runner = new FusionEvaluation(model, tokens);
    }

    String modelId() {
        return modelId;
    }

    /** @return the model: its architecture, variant and text length */
    FusionEncoder encoder() {
        return model;
    }

    /**
     * @param image the image
     * @param text the caption
     * @return the probability that the caption describes the image, {@code softmax(S)[1]}
     */
    double match(Image image, String text) {
        long[] ids = tokens.request("text", text);
        return runner.matchScores(new long[][] {ids}, List.of(image), new ParameterStore(manager, false), manager)[0];
    }

    /**
     * @param image the image
     * @param text a caption with one or more {@code [MASK]}
     * @param top how many words to list per mask
     * @return for each mask, the most probable words
     */
    List<Fill> fill(Image image, String text, int top) {
        long[] ids = tokens.request("text", text);
        List<Integer> masks = IntStream.range(0, ids.length)
                .filter(t -> ids[t] == tokens.maskId())
                .boxed()
                .toList();
        if (masks.isEmpty()) {
            throw StoaException.badInput(
                    "text",
                    "has no " + FusionTokens.MASK + "; write one where the word to fill"
                            + " in goes, e.g. 'two [MASK] circles'");
        }
        float[][] p = runner.tokenProbabilities(
                        new long[][] {ids}, List.of(image), new ParameterStore(manager, false), manager)[0];
        List<Fill> out = new ArrayList<>();
        for (int t : masks) {
            float[] row = p[t];
            List<Candidate> words = IntStream.range(0, row.length)
                    .filter(tokens::isWord)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer v) -> -row[v]))
                    .limit(top)
                    .map(v -> new Candidate(tokens.word(v), row[v]))
                    .toList();
            out.add(new Fill(t - 1, words));
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
