package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Classifier-free guidance (Ho and Salimans 2021; GLIDE, Nichol et al. 2021, eq. 4):
 * {@code eps = eps(x_t | empty) + s (eps(x_t | c) - eps(x_t | empty))}. {@code s = 0} is the unconditional model,
 * {@code s = 1} the conditional one, {@code s > 1} pushes samples towards what the condition makes likelier. The model
 * learns both by seeing the null condition for a fraction of its training steps.
 */
public final class ClassifierFreeGuidance {

    private ClassifierFreeGuidance() {}

    /**
     * @param unconditional eps with the null condition
     * @param conditional eps with the condition, the same shape
     * @param scale s, 0 or more
     * @return {@code unconditional + s (conditional - unconditional)}
     */
    public static NDArray combine(NDArray unconditional, NDArray conditional, float scale) {
        return unconditional.add(conditional.sub(unconditional).mul(scale));
    }

    /**
     * A guided denoiser from one that runs the conditional and the unconditional halves as one batch.
     *
     * @param both given x_t {@code (B, ...)} and t, returns eps for {@code [x_t | c ; x_t | empty]}, {@code (2B, ...)}:
     *     first the B conditional rows, then the B unconditional ones
     * @param scale s
     * @return the guided denoiser
     */
    public static Denoiser guided(Denoiser both, float scale) {
        return (xt, t) -> {
            long batch = xt.getShape().get(0);
            NDArray eps = both.epsilon(xt, t);
            NDArray conditional = eps.get("0:" + batch);
            NDArray unconditional = eps.get(batch + ":");
            return combine(unconditional, conditional, scale);
        };
    }
}
