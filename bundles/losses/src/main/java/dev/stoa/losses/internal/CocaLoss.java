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
 * CoCa's objective (Yu et al. 2022, "CoCa: Contrastive Captioners are Image-Text Foundation Models"), as open_clip's
 * {@code CoCaLoss}: the CLIP contrastive loss on the two unimodal embeddings plus the captioning cross-entropy of the
 * multimodal decoder, weighted:
 *
 * <pre>
 * L_con = ContrastiveLoss(v, l)                the `clip` loss: symmetric InfoNCE, learned temperature
 * L_cap = CaptioningLoss(Z, ids)               the `captioning` loss: Z[:, t] scored against ids[:, t + 1], PAD ignored
 * L     = λ_con · L_con + λ_cap · L_cap        open_clip: clip_loss_weight 1, caption_loss_weight 2
 * </pre>
 *
 * <p>The two terms are the {@link ContrastiveLoss} and {@link CaptioningLoss} blocks themselves (children of this
 * block, so the temperature is this loss's parameter), not copies of their code. Inputs {@code [v (B, E), l (B, E),
 * Z (B, T, V), ids (B, T) integer]}; output {@code [total, contrastive_loss, caption_loss]}, the parts weighted so
 * that they sum to the total.
 */
final class CocaLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;

    private final float contrastiveWeight;
    private final float captionWeight;
    private final ContrastiveLoss contrastive;
    private final CaptioningLoss captioning;

    CocaLoss(ContrastiveLoss contrastive, CaptioningLoss captioning, float contrastiveWeight, float captionWeight) {
        super(VERSION);
        this.contrastive = addChildBlock("contrastive", contrastive);
        this.captioning = addChildBlock("captioning", captioning);
        this.contrastiveWeight = contrastiveWeight;
        this.captionWeight = captionWeight;
    }

    @Override
    public List<String> partNames() {
        return List.of("contrastive_loss", "caption_loss");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray con = contrastive
                .forward(parameterStore, new NDList(inputs.get(0), inputs.get(1)), training, params)
                .head()
                .mul(contrastiveWeight);
        NDArray cap = captioning
                .forward(parameterStore, new NDList(inputs.get(2), inputs.get(3)), training, params)
                .head()
                .mul(captionWeight);
        return new NDList(con.add(cap), con, cap);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        boolean ok = in.length == 4
                && in[0].dimension() == 2
                && in[0].equals(in[1])
                && in[2].dimension() == 3
                && in[3].dimension() == 2
                && in[2].get(0) == in[0].get(0)
                && in[3].get(0) == in[0].get(0)
                && in[2].get(1) == in[3].get(1);
        if (!ok) {
            throw new IllegalArgumentException("the coca loss takes [images (B, E), texts (B, E), logits (B, T, V),"
                    + " ids (B, T)], got " + Arrays.toString(in));
        }
        return new Shape[] {new Shape(), new Shape(), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
        contrastive.initialize(manager, dataType, in[0], in[1]);
        captioning.initialize(manager, dataType, in[2], in[3]);
    }
}
