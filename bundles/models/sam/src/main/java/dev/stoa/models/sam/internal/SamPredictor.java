package dev.stoa.models.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.nn.image.ImagePixels;
import java.util.List;

/**
 * SAM's predictor: encodes an image once, then decodes any number of prompts against its embedding in one batch. Used
 * by the evaluation (the trainer's parameters) and the services (a stored version's).
 */
final class SamPredictor {

    /** Each prompt's masks: {@code logits[p][m]} of {@code maskSize²} values, row-major; {@code scores[p][m]}. */
    record Prediction(float[][][] logits, float[][] scores, int side) {}

    private final Sam model;

    SamPredictor(Sam model) {
        this.model = model;
    }

    Sam model() {
        return model;
    }

    /**
     * @param m where the arrays go (freed by the caller)
     * @param ps the parameters
     * @param image the image, any size (stretched to the model's square input)
     * @return the image's encoding ({@link Sam#encode}), batch of one
     */
    NDList embed(NDManager m, ParameterStore ps, Image image) {
        NDArray pixels = ImagePixels.batch(m, List.of(image), model.config().imageSize());
        return model.encode(ps, pixels, false);
    }

    /**
     * @param m where the arrays go
     * @param ps the parameters
     * @param embedding one image's encoding, from {@link #embed}
     * @param prompts the prompts, at least one
     * @return each prompt's masks and scores
     */
    Prediction predict(NDManager m, ParameterStore ps, NDList embedding, List<SamPrompt> prompts) {
        NDList in = inputs(m, prompts, model.config().maskSize());
        NDList repeated = Sam.repeat(embedding, prompts.size());
        NDList out = model.decode(ps, repeated, in.get(0), in.get(1), in.get(2), in.get(3), false);
        int side = model.config().maskSize();
        int masks = model.config().maskOutputs();
        float[] logits = out.get(0).toFloatArray();
        float[] scores = out.get(1).toFloatArray();
        float[][][] l = new float[prompts.size()][masks][side * side];
        float[][] s = new float[prompts.size()][masks];
        for (int p = 0; p < prompts.size(); p++) {
            for (int k = 0; k < masks; k++) {
                System.arraycopy(logits, (p * masks + k) * side * side, l[p][k], 0, side * side);
                s[p][k] = scores[p * masks + k];
            }
        }
        return new Prediction(l, s, side);
    }

    /**
     * @param m where the arrays go
     * @param prompts the prompts, padded with "not a point" to the longest and to at least the training's
     *     {@link SamTrainable#TRAIN_POINTS} slots
     * @param maskSize the side of mask prompts
     * @return {@code [points (P, K, 2), labels (P, K), mask prompts (P, 1, side, side), has_mask (P)]}
     */
    static NDList inputs(NDManager m, List<SamPrompt> prompts, int maskSize) {
        // at least as many slots as training had: a prompt's tokens attend to each other, padding included, so a box
        // with no "not a point" slot beside it is a prompt the model never saw (held-out box mIoU 0.36 without, see
        // the README)
        int k = SamTrainable.TRAIN_POINTS;
        for (SamPrompt p : prompts) {
            k = Math.max(k, p.size());
        }
        int n = prompts.size();
        float[] points = new float[n * k * 2];
        long[] labels = new long[n * k];
        float[] masks = new float[n * maskSize * maskSize];
        float[] has = new float[n];
        java.util.Arrays.fill(labels, SamPrompt.NONE);
        for (int i = 0; i < n; i++) {
            SamPrompt p = prompts.get(i);
            System.arraycopy(p.points(), 0, points, i * k * 2, p.points().length);
            System.arraycopy(p.labels(), 0, labels, i * k, p.labels().length);
            if (p.mask() != null) {
                System.arraycopy(p.mask(), 0, masks, i * maskSize * maskSize, maskSize * maskSize);
                has[i] = 1;
            }
        }
        return new NDList(
                m.create(points, new Shape(n, k, 2)),
                m.create(labels, new Shape(n, k)).toType(DataType.INT64, false),
                m.create(masks, new Shape(n, 1, maskSize, maskSize)),
                m.create(has, new Shape(n)));
    }
}
