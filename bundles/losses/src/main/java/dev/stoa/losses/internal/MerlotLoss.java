package dev.stoa.losses.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Arrays;
import java.util.List;

/**
 * MERLOT's pretraining loss (Zellers et al. 2021, "MERLOT: Multimodal Neural Script Knowledge Models"): frame-transcript
 * contrastive matching, masked language modelling and temporal reordering, weighted:
 *
 * <pre>
 * L_c     = ContrastiveLoss(F, S, g)          frames F (N, E) against their transcripts S (N, E); rows with the same
 *                                             sentence id g are all positives (UniCL's targets), others negatives
 * L_mlm   = -Σ m[b,t] log softmax(Z[b,t])[y[b,t]] / max(1, Σ m)      masked words, m = [y != -1]
 * L_order = -Σ n[p] log softmax(O[p])[o[p]] / max(1, Σ n)            o[p] = 1 if pair p's first frame comes first,
 *                                                                   0 if not, -1 for a pair of an unshuffled clip
 * L = w_c · L_c + w_mlm · L_mlm + w_order · L_order
 * </pre>
 *
 * <p>Inputs {@code [F (N, E), S (N, E), g (N) integer, Z (B, T, V), y (B, T) integer, O (P, 2), o (P) integer]};
 * output {@code [total, contrastive_loss, mlm_loss, order_loss]}, the parts weighted, so they sum to the total.
 *
 * <p>Nothing is copied: {@code L_c} is the CLIP family's {@link ContrastiveLoss} (with its learned temperature), and
 * {@code L_mlm} and {@code L_order} are both the masked-token term of {@link MaskedMatchingLoss} (a cross-entropy over
 * the labelled positions, -1 ignored): the pairwise order classification is that same formula over {@code P} rows of
 * one position and two classes. Its matching term gets no labelled row here, so it adds 0.
 */
final class MerlotLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;

    private final float contrastiveWeight;
    private final float mlmWeight;
    private final float orderWeight;
    private final ContrastiveLoss contrastive;
    private final MaskedMatchingLoss maskedTokens;

    MerlotLoss(ContrastiveLoss contrastive, float contrastiveWeight, float mlmWeight, float orderWeight) {
        super(VERSION);
        this.contrastiveWeight = contrastiveWeight;
        this.mlmWeight = mlmWeight;
        this.orderWeight = orderWeight;
        this.contrastive = addChildBlock("contrastive", contrastive);
        this.maskedTokens = addChildBlock("masked_tokens", new MaskedMatchingLoss(1f, 0f));
    }

    @Override
    public List<String> partNames() {
        return List.of("contrastive_loss", "mlm_loss", "order_loss");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray c = contrastive
                .forward(ps, new NDList(inputs.get(0), inputs.get(1), inputs.get(2)), training, params)
                .head()
                .mul(contrastiveWeight);
        NDArray mlm = maskedCrossEntropy(ps, inputs.get(3), inputs.get(4), training, params)
                .mul(mlmWeight);
        NDArray pairs = inputs.get(5);
        NDArray order = maskedCrossEntropy(
                        ps, pairs.expandDims(1), inputs.get(6).expandDims(1), training, params)
                .mul(orderWeight);
        return new NDList(c.add(mlm).add(order), c, mlm, order);
    }

    /** The masked-token term of {@link MaskedMatchingLoss}: logits (R, T, K), labels (R, T), -1 ignored. */
    private NDArray maskedCrossEntropy(
            ParameterStore ps, NDArray logits, NDArray labels, boolean training, PairList<String, Object> params) {
        NDManager m = logits.getManager();
        long rows = logits.getShape().get(0);
        NDList in = new NDList(
                logits,
                m.zeros(new Shape(rows, 2), logits.getDataType()),
                labels,
                m.full(new Shape(rows), MaskedMatchingLoss.IGNORED, DataType.INT64));
        return maskedTokens.forward(ps, in, training, params).get(1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        if (in.length != 7
                || in[0].dimension() != 2
                || !in[0].equals(in[1])
                || !in[2].equals(new Shape(in[0].get(0)))
                || in[3].dimension() != 3
                || in[4].dimension() != 2
                || in[3].get(0) != in[4].get(0)
                || in[3].get(1) != in[4].get(1)
                || in[5].dimension() != 2
                || in[5].get(1) != 2
                || !in[6].equals(new Shape(in[5].get(0)))) {
            throw new IllegalArgumentException("the merlot loss takes [frames (N, E), transcripts (N, E), sentence ids"
                    + " (N), token logits (B, T, V), token labels (B, T), order logits (P, 2), order labels (P)], got "
                    + Arrays.toString(in));
        }
        return new Shape[] {new Shape(), new Shape(), new Shape(), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
        contrastive.initialize(manager, dataType, in[0], in[1], in[2]);
        maskedTokens.initialize(manager, dataType, in[3], new Shape(in[3].get(0), 2), in[4], new Shape(in[3].get(0)));
    }
}
