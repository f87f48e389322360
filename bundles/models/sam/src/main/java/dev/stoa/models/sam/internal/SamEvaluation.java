package dev.stoa.models.sam.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Segment;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAM on held-out scenes, as the paper measures single-prompt segmentation (§7.1) at this scale: for every shape of
 * every scene, one prompt, the mask with the highest predicted IoU, brought to the image's size, and its IoU with the
 * exact mask; the mean over shapes. Two prompts: one point on the pixel farthest from the shape's edge
 * ({@link SamPrompt#centrePoint}), and the shape's tight box. Also the mean IoU the best of the masks would have had
 * (an oracle choice, as the paper reports beside the model's), and segment-everything's count: the share of scenes
 * where it finds exactly as many objects as there are shapes.
 *
 * <p>Metrics: {@code miou_point/<split>}, {@code miou_box/<split>}, {@code miou_point_oracle/<split>},
 * {@code everything_count_accuracy/<split>}.
 */
final class SamEvaluation {

    private final SamPredictor predictor;

    SamEvaluation(Sam model) {
        this.predictor = new SamPredictor(model);
    }

    /**
     * @param examples held-out scenes with masks
     * @param everythingExamples how many of them (the first) segment-everything counts
     * @param split the split's name, for the metric names
     * @param ps the parameters
     * @param options segment-everything's options
     * @return the metrics
     */
    Map<String, Double> evaluate(
            List<Example> examples,
            int everythingExamples,
            String split,
            ParameterStore ps,
            SamEverything.Options options) {
        double pointSum = 0;
        double boxSum = 0;
        double oracleSum = 0;
        int shapes = 0;
        int counted = 0;
        int countRight = 0;
        NDManager base = ps.getManager();
        for (int e = 0; e < examples.size(); e++) {
            Example ex = examples.get(e);
            List<Mask> masks = SceneMasks.of(ex);
            try (NDManager m = base.newSubManager()) {
                NDList embedding = predictor.embed(m, ps, ex.image());
                if (!masks.isEmpty()) {
                    List<SamPrompt> prompts = new ArrayList<>();
                    for (Mask mask : masks) {
                        prompts.add(SamPrompt.centrePoint(mask));
                    }
                    for (Mask mask : masks) {
                        prompts.add(SamPrompt.tightBox(mask));
                    }
                    SamPredictor.Prediction p = predictor.predict(m, ps, embedding, prompts);
                    for (int s = 0; s < masks.size(); s++) {
                        Mask truth = masks.get(s);
                        pointSum += iou(p, s, SamEverything.argMax(p.scores()[s]), truth);
                        boxSum += iou(p, masks.size() + s, SamEverything.argMax(p.scores()[masks.size() + s]), truth);
                        double oracle = 0;
                        for (int k = 0; k < p.scores()[s].length; k++) {
                            oracle = Math.max(oracle, iou(p, s, k, truth));
                        }
                        oracleSum += oracle;
                        shapes++;
                    }
                }
                if (e < everythingExamples) {
                    List<Segment> found = SamEverything.segment(predictor, m, ps, ex.image(), options);
                    counted++;
                    countRight += found.size() == masks.size() ? 1 : 0;
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("miou_point/" + split, shapes == 0 ? 0 : pointSum / shapes);
        out.put("miou_box/" + split, shapes == 0 ? 0 : boxSum / shapes);
        out.put("miou_point_oracle/" + split, shapes == 0 ? 0 : oracleSum / shapes);
        if (counted > 0) {
            out.put("everything_count_accuracy/" + split, (double) countRight / counted);
        }
        return out;
    }

    private static double iou(SamPredictor.Prediction p, int prompt, int mask, Mask truth) {
        float[] sized = MaskOps.resize(p.logits()[prompt][mask], p.side(), truth.width(), truth.height());
        return MaskOps.iou(MaskOps.threshold(sized, truth.width(), truth.height(), 0f), truth);
    }
}
