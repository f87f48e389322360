package dev.stoa.models.sam.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * SAM's automatic mask generation ("segment everything", the paper's §7.1 and its {@code SamAutomaticMaskGenerator}):
 * a regular grid of {@code n x n} single-point prompts, each prompt's mask with the highest predicted IoU, kept when
 * its predicted IoU is at least {@code minScore} and its stability score (the IoU of the mask thresholded at logit
 * +1 and at -1) at least {@code minStability} and it has at least {@code minArea} pixels; then non-maximum
 * suppression by mask IoU, best score first: a mask whose IoU with a kept one exceeds {@code iouThreshold} is
 * dropped. Masks come back at the image's size.
 */
final class SamEverything {

    /** The most prompts decoded in one batch: bounds memory for large grids. */
    private static final int CHUNK = 64;

    /**
     * @param pointsPerSide n, the grid's side
     * @param iouThreshold NMS: the mask IoU above which the lower-scored mask is dropped
     * @param minScore the least predicted IoU kept
     * @param minStability the least stability score kept
     * @param minArea the least pixels of a kept mask, at the model's mask size
     */
    record Options(int pointsPerSide, double iouThreshold, double minScore, double minStability, int minArea) {
        static final Options DEFAULTS = new Options(8, 0.7, 0.5, 0.8, 4);
    }

    private SamEverything() {}

    /**
     * @param predictor the model
     * @param m where the arrays go
     * @param ps its parameters
     * @param image the image, any size
     * @param o the options
     * @return the objects found, best score first, masks and boxes at the image's size
     */
    static List<Segment> segment(SamPredictor predictor, NDManager m, ParameterStore ps, Image image, Options o) {
        NDList embedding = predictor.embed(m, ps, image);
        int n = o.pointsPerSide();
        List<SamPrompt> grid = new ArrayList<>(n * n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                grid.add(SamPrompt.point((j + 0.5f) / n, (i + 0.5f) / n));
            }
        }
        record Candidate(Mask mask, float[] logits, double score) {}
        List<Candidate> candidates = new ArrayList<>();
        int side = predictor.model().config().maskSize();
        for (int from = 0; from < grid.size(); from += CHUNK) {
            List<SamPrompt> chunk = grid.subList(from, Math.min(grid.size(), from + CHUNK));
            try (NDManager sub = m.newSubManager()) {
                SamPredictor.Prediction p = predictor.predict(sub, ps, embedding, chunk);
                for (int k = 0; k < chunk.size(); k++) {
                    int best = argMax(p.scores()[k]);
                    float[] logits = p.logits()[k][best];
                    double score = p.scores()[k][best];
                    if (score < o.minScore() || MaskOps.stability(logits, 1f) < o.minStability()) {
                        continue;
                    }
                    Mask mask = MaskOps.threshold(logits, side, side, 0f);
                    if (mask.area() >= o.minArea()) {
                        candidates.add(new Candidate(mask, logits, score));
                    }
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : candidates) {
            boolean overlaps = false;
            for (Candidate k : kept) {
                overlaps |= MaskOps.iou(c.mask(), k.mask()) > o.iouThreshold();
            }
            if (!overlaps) {
                kept.add(c);
            }
        }
        List<Segment> out = new ArrayList<>(kept.size());
        for (Candidate c : kept) {
            float[] sized = MaskOps.resize(c.logits(), side, image.width(), image.height());
            out.add(Segment.of(MaskOps.threshold(sized, image.width(), image.height(), 0f), c.score()));
        }
        return out;
    }

    static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
