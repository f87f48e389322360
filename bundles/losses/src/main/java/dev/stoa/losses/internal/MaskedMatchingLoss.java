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
 * BERT-style pretraining loss of the fusion encoders (VisualBERT, ViLBERT): masked language modelling plus image-text
 * matching, weighted:
 *
 * <pre>
 * m[b, t] = [y[b, t] != -1]                                         only the masked positions (TokenMasking.IGNORED)
 * L_mlm = -Σ_{b,t} m[b, t] · log softmax(Z[b, t])[y[b, t]] / max(1, Σ m)      mean over masked tokens
 * n[b] = [a[b] != -1]                                              pairs with a matching label
 * L_itm = -Σ_b n[b] · log softmax(S[b])[a[b]] / max(1, Σ n)         a[b] = 1 if the text describes the image, 0 if not
 * L = w_mlm · L_mlm + w_itm · L_itm
 * </pre>
 *
 * <p>Inputs {@code [Z (B, T, V), S (B, 2), y (B, T) integer, a (B) integer]}: the masked-token logits, the matching
 * logits, the masked-token labels ({@code -1} where nothing was masked) and the matching labels ({@code -1} for a pair
 * that only trains the masked tokens: UNITER and ViLBERT mask words only in matching pairs, and leave the pairs that
 * train the matching unmasked). Output
 * {@code [total, mlm_loss, itm_loss]}, where the parts are the weighted terms, so they sum to the total.
 */
final class MaskedMatchingLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;
    static final long IGNORED = -1;

    private final float mlmWeight;
    private final float itmWeight;

    MaskedMatchingLoss(float mlmWeight, float itmWeight) {
        super(VERSION);
        this.mlmWeight = mlmWeight;
        this.itmWeight = itmWeight;
    }

    @Override
    public List<String> partNames() {
        return List.of("mlm_loss", "itm_loss");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray logits = inputs.get(0);
        NDArray matching = inputs.get(1);
        NDArray labels = inputs.get(2).toType(DataType.INT64, false);
        NDArray aligned = inputs.get(3).toType(DataType.INT64, false);
        int vocabulary = (int) logits.getShape().get(2);
        NDArray keep = labels.neq(IGNORED);
        NDArray mask = keep.toType(logits.getDataType(), false);
        // an ignored label is -1, out of range for oneHot: pick with id 0, then mask
        NDArray safe = labels.mul(keep.toType(DataType.INT64, false));
        NDArray picked = logits.logSoftmax(-1)
                .mul(safe.oneHot(vocabulary).toType(logits.getDataType(), false))
                .sum(new int[] {-1});
        NDArray mlm = picked.mul(mask).sum().neg().div(mask.sum().maximum(1f)).mul(mlmWeight);
        NDArray labelled = aligned.neq(IGNORED);
        NDArray rows = labelled.toType(matching.getDataType(), false);
        NDArray itm = matching.logSoftmax(-1)
                .mul(aligned.mul(labelled.toType(DataType.INT64, false))
                        .oneHot(2)
                        .toType(matching.getDataType(), false))
                .sum(new int[] {-1})
                .mul(rows)
                .sum()
                .neg()
                .div(rows.sum().maximum(1f))
                .mul(itmWeight);
        return new NDList(mlm.add(itm), mlm, itm);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        if (in.length != 4
                || in[0].dimension() != 3
                || in[1].dimension() != 2
                || in[1].get(1) != 2
                || in[2].dimension() != 2
                || in[3].dimension() != 1
                || in[0].get(0) != in[1].get(0)
                || in[0].get(0) != in[2].get(0)
                || in[0].get(0) != in[3].get(0)
                || in[0].get(1) != in[2].get(1)) {
            throw new IllegalArgumentException("the masked-matching loss takes [token logits (B, T, V), matching logits"
                    + " (B, 2), token labels (B, T), matching labels (B)], got " + Arrays.toString(in));
        }
        return new Shape[] {new Shape(), new Shape(), new Shape()};
    }
}
