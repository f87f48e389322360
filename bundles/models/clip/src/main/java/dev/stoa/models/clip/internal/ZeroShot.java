package dev.stoa.models.clip.internal;

import ai.djl.ndarray.NDArray;
import dev.stoa.nn.eval.ZeroShotClassifier;

/**
 * Zero-shot classification as open_clip does it ({@code zero_shot_classifier} and {@code zero_shot_eval}): each class
 * is described by K prompt templates, and its classifier weight is the mean of the K normalised text embeddings,
 * renormalised (prompt ensembling, CLIP paper section 3.1.4); an image's class probabilities are a softmax over the
 * scaled cosines. The formulas are {@link ZeroShotClassifier}'s, shared with CoCa so both measure zero-shot alike.
 */
final class ZeroShot {

    private ZeroShot() {}

    /**
     * @param texts {@code (C·K, E)} text embeddings, class-major (class c's templates at rows c·K .. c·K + K - 1)
     * @param classes C
     * @param templates K
     * @return {@code (C, E)}, w_c = normalize(mean_k normalize(texts[c, k]))
     */
    static NDArray classifier(NDArray texts, int classes, int templates) {
        return ZeroShotClassifier.classifier(texts, classes, templates);
    }

    /**
     * @param images {@code (B, E)} normalised image embeddings
     * @param classifier {@code (C, E)} from {@link #classifier}
     * @param scale the logit scale exp(t)
     * @return {@code (B, C)}, softmax_c(scale · ⟨v, w_c⟩)
     */
    static NDArray probabilities(NDArray images, NDArray classifier, float scale) {
        return ZeroShotClassifier.probabilities(images, classifier, scale);
    }
}
