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
 * <p>With {@code region_weight} above 0 (ViLBERT's masked multimodal modelling), a third term over masked image
 * regions: the KL divergence from each masked region's target class distribution {@code q} to the predicted one,
 *
 * <pre>
 * L_region = Σ_{b,n,c} q[b, n, c] · (log q[b, n, c] - log softmax(R[b, n])[c]) / max(1, Σ q)     (0 log 0 = 0)
 * L = w_mlm · L_mlm + w_itm · L_itm + w_region · L_region
 * </pre>
 *
 * <p>where a region's row of {@code q} sums to 1 when it was masked and is all zeros otherwise, so {@code Σ q} counts
 * the masked regions and the term is their mean.
 *
 * <p>Inputs {@code [Z (B, T, V), S (B, 2), y (B, T) integer, a (B) integer]}: the masked-token logits, the matching
 * logits, the masked-token labels ({@code -1} where nothing was masked) and the matching labels ({@code -1} for a pair
 * that only trains the masked tokens: UNITER and ViLBERT mask words only in matching pairs, and leave the pairs that
 * train the matching unmasked). Output
 * {@code [total, mlm_loss, itm_loss]}, where the parts are the weighted terms, so they sum to the total. With the
 * region term, inputs {@code [Z, S, y, a, R (B, N, C), q (B, N, C)]} and output
 * {@code [total, mlm_loss, itm_loss, region_loss]}. With {@code region_weight} 0 (the default) the loss is
 * VisualBERT's, exactly as before, and two further inputs are ignored.
 */
final class MaskedMatchingLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;
    static final long IGNORED = -1;

    private final float mlmWeight;
    private final float itmWeight;
    private final float regionWeight;

    MaskedMatchingLoss(float mlmWeight, float itmWeight) {
        this(mlmWeight, itmWeight, 0f);
    }

    MaskedMatchingLoss(float mlmWeight, float itmWeight, float regionWeight) {
        super(VERSION);
        this.mlmWeight = mlmWeight;
        this.itmWeight = itmWeight;
        this.regionWeight = regionWeight;
    }

    @Override
    public List<String> partNames() {
        return regionWeight > 0 ? List.of("mlm_loss", "itm_loss", "region_loss") : List.of("mlm_loss", "itm_loss");
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
        if (regionWeight == 0) {
            return new NDList(mlm.add(itm), mlm, itm);
        }
        NDArray regions = inputs.get(4);
        NDArray q = inputs.get(5).toType(regions.getDataType(), false);
        // q log q with 0 log 0 = 0: log of max(q, tiny) is finite and multiplied by q = 0 where q is 0
        NDArray kl = q.mul(q.maximum(1e-12f).log().sub(regions.logSoftmax(-1)));
        NDArray region = kl.sum().div(q.sum().maximum(1f)).mul(regionWeight);
        return new NDList(mlm.add(itm).add(region), mlm, itm, region);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        boolean regions = regionWeight > 0;
        // without the region term, two further inputs (a ViLBERT's regions) are ignored
        boolean counted = regions ? in.length == 6 : in.length == 4 || in.length == 6;
        if (!counted
                || regions && (in[4].dimension() != 3 || !in[4].equals(in[5]) || in[4].get(0) != in[0].get(0))
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
                    + " (B, 2), token labels (B, T), matching labels (B)"
                    + (regions ? ", region logits (B, N, C), region targets (B, N, C)" : "") + "], got "
                    + Arrays.toString(in));
        }
        return regions
                ? new Shape[] {new Shape(), new Shape(), new Shape(), new Shape()}
                : new Shape[] {new Shape(), new Shape(), new Shape()};
    }
}
