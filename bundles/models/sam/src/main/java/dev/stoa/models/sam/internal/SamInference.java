package dev.stoa.models.sam.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One trained SAM version, as its services use it. Thread-safe (one call at a time); owns its manager.
 */
final class SamInference implements AutoCloseable {

    private final String modelId;
    private final SamPredictor predictor;
    private final NDManager manager;

    SamInference(String modelId, Sam model, NDManager manager) {
        this.modelId = modelId;
        this.predictor = new SamPredictor(model);
        this.manager = manager;
    }

    String modelId() {
        return modelId;
    }

    SamConfig config() {
        return predictor.model().config();
    }

    /**
     * @param image the image, any size
     * @param prompt its prompt, normalised to [0, 1]
     * @param multimask all M masks (true) or the best one
     * @return the masks at the image's size, best predicted IoU first
     */
    synchronized List<Segment> segment(Image image, SamPrompt prompt, boolean multimask) {
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDList embedding = predictor.embed(m, ps, image);
            SamPredictor.Prediction p = predictor.predict(m, ps, embedding, List.of(prompt));
            List<Segment> out = new ArrayList<>();
            for (int k = 0; k < p.scores()[0].length; k++) {
                float[] sized = MaskOps.resize(p.logits()[0][k], p.side(), image.width(), image.height());
                out.add(Segment.of(MaskOps.threshold(sized, image.width(), image.height(), 0f), p.scores()[0][k]));
            }
            out.sort(Comparator.comparingDouble(Segment::score).reversed());
            return multimask ? out : out.subList(0, 1);
        }
    }

    /**
     * @param image the image, any size
     * @param options the automatic mask generation's options
     * @return every object found, best score first
     */
    synchronized List<Segment> everything(Image image, SamEverything.Options options) {
        try (NDManager m = manager.newSubManager()) {
            return SamEverything.segment(predictor, m, new ParameterStore(m, false), image, options);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
