package dev.stoa.losses.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Arrays;
import java.util.List;

/**
 * Symmetric image-text contrastive loss with a learned temperature, the family of CLIP (Radford et al. 2021),
 * ALIGN (Jia et al. 2021) and Florence's UniCL (Yang et al. 2022), which differ only in the targets:
 *
 * <pre>
 * Î = I / ‖I‖,  T̂ = T / ‖T‖                                row-wise L2 normalisation, I, T (N, E)
 * s = exp(clamp(t, 0, ln 100))                            t learned, starts at ln(1 / τ₀); open_clip's clamp
 * Z = s · Î T̂ᵀ                                            (N, N): Z[i, j] scores image i against text j
 * L = ½ (CE(Z, Y) + CE(Zᵀ, Yᵀ)),  CE(Z, Y) = -1/N Σ_i Σ_j Y[i, j] log softmax(Z[i])[j]
 * </pre>
 *
 * <p>Targets Y: CLIP, {@code Y = I_N}; ALIGN, {@code Y = (1 - ε) I_N + ε / N} (label smoothing); UniCL,
 * {@code Y[i, j] = [y_i = y_j] / |{k : y_k = y_i}|}, so pairs that share a label are all positives. The UniCL
 * paper sums the two directions; this averages them, so with all labels distinct UniCL equals CLIP.
 *
 * <p>Inputs: {@code [images (N, E), texts (N, E)]}, and for UniCL {@code [images, texts, labels (N)]} (integer
 * labels); CLIP and ALIGN accept the labels too and ignore them, so a model can feed any of the three. Output: {@code [total, contrastive_loss]}, scalars (the total is the one part).
 */
final class ContrastiveLoss extends AbstractBlock implements TrainingLoss {

    /** CLIP's cap on the logit scale: "clipped to prevent scaling the logits by more than 100" (Radford et al.). */
    static final float MAX_LOG_SCALE = (float) Math.log(100);

    private static final byte VERSION = 1;
    private static final String PART = "contrastive_loss";

    private final float labelSmoothing;
    private final boolean labelled;
    private final Parameter logScale;

    private ContrastiveLoss(Builder builder) {
        super(VERSION);
        labelSmoothing = builder.labelSmoothing;
        labelled = builder.labelled;
        // CLIP's logit_scale: a log-parameterised inverse temperature, so it stays positive while learning.
        // Type OTHER keeps a trainer's weight-wide initializer off it.
        logScale = addParameter(Parameter.builder()
                .setName("logit_scale")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1))
                .optInitializer(new ConstantInitializer((float) Math.log(1 / builder.initialTemperature)))
                .optRequiresGrad(builder.learnTemperature)
                .build());
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public List<String> partNames() {
        return List.of(PART);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray images = normalise(inputs.get(0));
        NDArray texts = normalise(inputs.get(1));
        long n = images.getShape().get(0);
        NDArray t = parameterStore.getValue(logScale, images.getDevice(), training);
        // zeros + t first: every result then joins the batch's manager and is freed with it, instead of piling up
        // in the parameter's manager every step (a DJL pitfall: an array lives in the manager of its first operand)
        NDArray scale = images.getManager()
                .zeros(new Shape(1), images.getDataType())
                .add(t)
                .clip(0f, MAX_LOG_SCALE)
                .exp();
        NDArray logits = images.matMul(texts.transpose()).mul(scale);
        NDArray targets = labelled ? sameLabel(inputs.get(2), images.getDataType()) : identity(n, images);
        NDArray imageToText = crossEntropy(logits, targets);
        NDArray textToImage = crossEntropy(logits.transpose(), targets.transpose());
        NDArray total = imageToText.add(textToImage).div(2f);
        return new NDList(total, total);
    }

    /** Row-wise x / max(‖x‖, 1e-12), as PyTorch's {@code F.normalize} that CLIP uses. */
    private static NDArray normalise(NDArray x) {
        return x.div(x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f));
    }

    /** (1 - ε) I + ε / N. */
    private NDArray identity(long n, NDArray like) {
        NDArray eye = like.getManager().eye((int) n).toType(like.getDataType(), false);
        return labelSmoothing == 0 ? eye : eye.mul(1 - labelSmoothing).add(labelSmoothing / n);
    }

    /** [y_i = y_j], each row divided by its sum (at least 1: the diagonal). */
    private static NDArray sameLabel(NDArray labels, DataType type) {
        NDArray same = labels.expandDims(1).eq(labels.expandDims(0)).toType(type, false);
        return same.div(same.sum(new int[] {1}, true));
    }

    /** -1/N Σ_i Σ_j Y[i, j] log softmax(Z[i])[j]. */
    private static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).mean().neg();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        // labels are required by UniCL and ignored by CLIP and ALIGN, so one model can feed any of the three
        boolean ok = inputShapes.length == (labelled ? 3 : inputShapes.length)
                && inputShapes.length >= 2
                && inputShapes.length <= 3
                && inputShapes[0].dimension() == 2
                && inputShapes[0].equals(inputShapes[1])
                && (inputShapes.length == 2 || inputShapes[2].equals(new Shape(inputShapes[0].get(0))));
        if (!ok) {
            throw new IllegalArgumentException(
                    "expected [images (N, E), texts (N, E)" + (labelled ? ", labels (N)" : ", labels (N), optional")
                            + "], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(), new Shape()};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    /** Builds a {@link ContrastiveLoss}. */
    static final class Builder {

        private float initialTemperature = 0.07f;
        private boolean learnTemperature = true;
        private float labelSmoothing;
        private boolean labelled;

        private Builder() {}

        /** @param temperature τ₀, the initial temperature (default 0.07, CLIP's) */
        Builder optInitialTemperature(float temperature) {
            this.initialTemperature = temperature;
            return this;
        }

        /** @param learn whether t is trained (default {@code true}) or stays at ln(1 / τ₀) */
        Builder optLearnTemperature(boolean learn) {
            this.learnTemperature = learn;
            return this;
        }

        /** @param smoothing ε in [0, 1), ALIGN's label smoothing (default 0) */
        Builder optLabelSmoothing(float smoothing) {
            this.labelSmoothing = smoothing;
            return this;
        }

        /** @param labelled whether targets come from labels, UniCL (default {@code false}: the i-th pairs match) */
        Builder optLabelled(boolean labelled) {
            this.labelled = labelled;
            return this;
        }

        ContrastiveLoss build() {
            if (!(initialTemperature > 0) || !(labelSmoothing >= 0 && labelSmoothing < 1)) {
                throw new IllegalArgumentException("need temperature > 0 and 0 <= label smoothing < 1, got "
                        + initialTemperature + " and " + labelSmoothing);
            }
            return new ContrastiveLoss(this);
        }
    }
}
