package dev.stoa.losses.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Arrays;
import java.util.List;

/**
 * Token cross-entropy of a language model or captioner (ClipCap, CoCa's {@code caption_loss}), padding ignored:
 *
 * <pre>
 * shift:   Z = logits[:, :-1],  Y = ids[:, 1:]        logits[:, t] predicts ids[:, t + 1]
 * m[b, t] = [Y[b, t] != ignore_id]                    padding (id 0) contributes exactly nothing
 * L = -Σ_{b,t} m[b, t] · log softmax(Z[b, t])[Y[b, t]] / max(1, Σ m)     mean over the real target tokens
 * </pre>
 *
 * <p>Inputs {@code [logits (B, T, V), ids (B, T) integer]}: with {@code shift} (default) the model's logits and its
 * input ids as they are; without, targets already aligned with the logits. Output {@code [total, caption_loss]},
 * scalars. The mean is over tokens, not rows, as PyTorch's {@code cross_entropy(ignore_index=...)}.
 */
final class CaptioningLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;
    private static final String PART = "caption_loss";

    private final long ignoreId;
    private final boolean shift;

    CaptioningLoss(long ignoreId, boolean shift) {
        super(VERSION);
        this.ignoreId = ignoreId;
        this.shift = shift;
    }

    @Override
    public List<String> partNames() {
        return List.of(PART);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray logits = inputs.get(0);
        NDArray targets = inputs.get(1).toType(DataType.INT64, false);
        if (shift) {
            logits = logits.get(":, :-1, :");
            targets = targets.get(":, 1:");
        }
        long vocabulary = logits.getShape().get(2);
        NDArray mask = targets.neq(ignoreId).toType(logits.getDataType(), false);
        // an ignored target may be any id, even out of range: pick with a safe id, then mask
        NDArray safe = targets.mul(targets.neq(ignoreId).toType(DataType.INT64, false));
        NDArray picked = logits.logSoftmax(-1)
                .mul(safe.oneHot((int) vocabulary).toType(logits.getDataType(), false))
                .sum(new int[] {-1});
        NDArray count = mask.sum().maximum(1f);
        NDArray loss = picked.mul(mask).sum().neg().div(count);
        return new NDList(loss, loss);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 2
                || inputShapes[0].dimension() != 3
                || inputShapes[1].dimension() != 2
                || inputShapes[0].get(0) != inputShapes[1].get(0)
                || inputShapes[0].get(1) != inputShapes[1].get(1)
                || shift && inputShapes[0].get(1) < 2) {
            throw new IllegalArgumentException("the captioning loss takes [logits (B, T, V), ids (B, T)]"
                    + (shift ? " with T >= 2" : "") + ", got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(), new Shape()};
    }
}
