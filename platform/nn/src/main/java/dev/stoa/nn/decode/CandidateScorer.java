package dev.stoa.nn.decode;

import java.util.List;

/**
 * Scores candidate texts against something fixed for the whole generation, e.g. an image: MAGiC's
 * {@code CLIP(image, text)} ({@link MagicSearch}). Where the score comes from (a CLIP model on the bus, a test's
 * stand-in) is the implementation's business; the search only compares the scores of one step's candidates.
 */
@FunctionalInterface
public interface CandidateScorer {

    /**
     * @param texts the candidates' texts, each the whole text so far with one candidate token appended; at least one
     * @return one score per text, in order, higher for a better fit (CLIP: the logit, scale times cosine)
     */
    double[] scores(List<String> texts);
}
