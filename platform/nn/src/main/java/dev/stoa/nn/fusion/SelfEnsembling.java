package dev.stoa.nn.fusion;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * VC-GPT's self-ensembling (Luo et al. 2022, "A Frustratingly Simple Approach for End-to-End Image Captioning",
 * section 3.3): the frozen language model's logits and the fusion module's logits over the same vocabulary are added
 * before the softmax, and the captioning cross-entropy is taken on the sum:
 *
 * <pre>
 * logits = z_lm + z_fused                                  (B, T, V)
 * p(w)   = softmax(z_lm + z_fused)(w) = p_lm(w) · p_fused(w) / Σ_w' p_lm(w') · p_fused(w')
 * </pre>
 *
 * <p>so the next token is a product of experts: the language model's fluency times the fusion module's reading of the
 * image. The two other members are the paper's ablations: {@link #FUSED} (the fused logits alone, no self-ensembling)
 * and {@link #LM} (the language model alone, which never sees the image).
 */
public enum SelfEnsembling {
    /** {@code z_lm + z_fused}: self-ensembling. */
    ENSEMBLE,
    /** {@code z_fused}: the fusion module alone. */
    FUSED,
    /** {@code z_lm}: the language model alone. */
    LM;

    /**
     * @param lm the language model's logits, {@code (..., V)}
     * @param fused the fusion module's logits, of the same shape
     * @return the logits this member decodes and is trained with
     * @throws IllegalArgumentException if the shapes differ
     */
    public NDArray logits(NDArray lm, NDArray fused) {
        if (!lm.getShape().equals(fused.getShape())) {
            throw new IllegalArgumentException("the language model's logits " + lm.getShape() + " and the fused logits "
                    + fused.getShape() + " must have the same shape");
        }
        return switch (this) {
            case ENSEMBLE -> lm.add(fused);
            case FUSED -> fused;
            case LM -> lm;
        };
    }

    /** @return the word for it in a variant file: {@code ensemble}, {@code fused} or {@code lm} */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param word {@code ensemble}, {@code fused} or {@code lm}
     * @return the member
     * @throws IllegalArgumentException naming the words accepted
     */
    public static SelfEnsembling of(String word) {
        for (SelfEnsembling s : values()) {
            if (s.word().equals(word.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + word + "' is not one of ensemble, fused, lm");
    }
}
