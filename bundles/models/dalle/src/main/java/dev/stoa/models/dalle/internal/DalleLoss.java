package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.SpecialTokens;
import java.util.List;

/**
 * DALL-E's second-stage objective (Ramesh et al. 2021, section 2.2): the cross-entropy of the next token over the
 * concatenated sequence, the text part weighted less than the image part (the paper: 1/8 and 7/8).
 *
 * <pre>
 * text  = mean over real target tokens of -log softmax(Z_text[b, t])[w[b, t + 1]]   padding ignored
 * image = mean over all image tokens of  -log softmax(Z_image[b, i])[c[b, i]]
 * total = text_weight · text + image_weight · image
 * </pre>
 *
 * Inputs {@code [Z_text (B, T-1, V), text (B, T), Z_image (B, N, K), image (B, N)]}, the {@link Dalle} block's
 * outputs; output {@code [total, text, image]}, the parts already weighted.
 */
final class DalleLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;

    private final float textWeight;
    private final float imageWeight;

    DalleLoss(float textWeight, float imageWeight) {
        super(VERSION);
        this.textWeight = textWeight;
        this.imageWeight = imageWeight;
    }

    @Override
    public List<String> partNames() {
        return List.of("text", "image");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray textLogits = inputs.get(0);
        NDArray targets = inputs.get(1).toType(DataType.INT64, false).get(":, 1:");
        NDArray imageLogits = inputs.get(2);
        NDArray image = inputs.get(3).toType(DataType.INT64, false);
        NDArray mask = targets.neq(SpecialTokens.PAD).toType(DataType.FLOAT32, false);
        NDArray textPicked = textLogits
                .logSoftmax(-1)
                .mul(targets.oneHot((int) textLogits.getShape().get(2)).toType(DataType.FLOAT32, false))
                .sum(new int[] {-1});
        NDArray text = textPicked.mul(mask).sum().neg().div(mask.sum().maximum(1f));
        NDArray image1 = imageLogits
                .logSoftmax(-1)
                .mul(image.oneHot((int) imageLogits.getShape().get(2)).toType(DataType.FLOAT32, false))
                .sum(new int[] {-1})
                .mean()
                .neg();
        NDArray t = text.mul(textWeight);
        NDArray i = image1.mul(imageWeight);
        return new NDList(t.add(i), t, i);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(), new Shape(), new Shape()};
    }
}
