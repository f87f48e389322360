package dev.stoa.nn.eval;

import ai.djl.ndarray.NDArray;

/**
 * Zero-shot classification as open_clip does it ({@code zero_shot_classifier} and {@code zero_shot_eval}): each class
 * is described by K prompt templates, and its classifier weight is the mean of the K normalised text embeddings,
 * renormalised (prompt ensembling, CLIP paper section 3.1.4); an image's class probabilities are a softmax over the
 * scaled cosines, its class the arg-max. Used by CLIP's {@code zero_shot_top1} and CoCa's, so both are measured
 * the same way.
 */
public final class ZeroShotClassifier {

    private ZeroShotClassifier() {}

    /**
     * @param texts {@code (C·K, E)} text embeddings, class-major (class c's templates at rows c·K .. c·K + K - 1)
     * @param classes C
     * @param templates K
     * @return {@code (C, E)}, w_c = normalize(mean_k normalize(texts[c, k]))
     */
    public static NDArray classifier(NDArray texts, int classes, int templates) {
        long e = texts.getShape().get(1);
        NDArray mean = normalize(texts, 1).reshape(classes, templates, e).mean(new int[] {1});
        return normalize(mean, 1);
    }

    /**
     * @param images {@code (B, E)} normalised image embeddings
     * @param classifier {@code (C, E)} from {@link #classifier}
     * @param scale the logit scale exp(t)
     * @return {@code (B, C)}, softmax_c(scale · ⟨v, w_c⟩)
     */
    public static NDArray probabilities(NDArray images, NDArray classifier, float scale) {
        return images.matMul(classifier.transpose()).mul(scale).softmax(1);
    }

    /**
     * @param images {@code (B, E)} normalised image embeddings
     * @param classifier {@code (C, E)} from {@link #classifier}
     * @return each image's class, arg-max_c ⟨v, w_c⟩
     */
    public static long[] predict(NDArray images, NDArray classifier) {
        return images.matMul(classifier.transpose())
                .argMax(1)
                .toType(ai.djl.ndarray.types.DataType.INT64, false)
                .toLongArray();
    }

    /** Row-wise x / max(‖x‖, 1e-12), PyTorch's {@code F.normalize}. */
    public static NDArray normalize(NDArray x, int axis) {
        return x.div(x.square().sum(new int[] {axis}, true).sqrt().maximum(1e-12f));
    }
}
