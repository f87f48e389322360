package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Diffusion with a model that predicts the clean sample x_0 rather than the noise (unCLIP's diffusion prior, Ramesh et
 * al. 2022, section 2.1: "we train a decoder-only transformer ... to predict the unnoised z_i directly"), on the same
 * {@link GaussianDiffusion} and {@link NoiseSchedule}:
 *
 * <pre>
 * training   L = E || x_0 - f_theta(x_t, t, y) ||^2                       (the {@link DenoisingLoss} over [f, x_0])
 * eps(x_0)   eps = (x_t - sqrt(alphaBar_t) x_0) / sqrt(1 - alphaBar_t)     the noise a predicted x_0 implies
 * </pre>
 *
 * <p>An x_0 model becomes a {@link Denoiser} through {@link #asEpsilon}, so {@link GaussianDiffusion#sample} (DDIM) and
 * {@link ClassifierFreeGuidance} work on it unchanged: at one x_t and t, eps is affine in x_0, so guiding the implied
 * eps is guiding the x_0 predictions with the same scale.
 */
public final class X0Prediction {

    private X0Prediction() {}

    /** A model's prediction of the clean sample at one timestep: {@code f_theta(x_t, t)}, the condition bound in. */
    @FunctionalInterface
    public interface X0Denoiser {

        /**
         * @param xt the noisy samples {@code (B, ...)}
         * @param t the timestep, 0 to T-1, the same for the whole batch
         * @return the predicted x_0, the shape of {@code xt}
         */
        NDArray x0(NDArray xt, int t);
    }

    /**
     * @param schedule the noise schedule
     * @param xt x_t {@code (B, ...)}
     * @param x0 the (predicted) x_0, the same shape
     * @param t the timestep of the whole batch
     * @return {@code (x_t - sqrt(alphaBar_t) x_0) / sqrt(1 - alphaBar_t)}
     */
    public static NDArray epsilon(NoiseSchedule schedule, NDArray xt, NDArray x0, int t) {
        if (t < 0 || t >= schedule.steps()) {
            throw new IllegalArgumentException("timesteps are 0 to " + (schedule.steps() - 1) + ", got " + t);
        }
        double ab = schedule.alphaBar(t);
        return xt.sub(x0.mul((float) Math.sqrt(ab))).div((float) Math.sqrt(1 - ab));
    }

    /**
     * @param schedule the noise schedule the model was trained with
     * @param model an x_0-predicting model
     * @return the same model as a noise predictor, for {@link GaussianDiffusion#sample}
     */
    public static Denoiser asEpsilon(NoiseSchedule schedule, X0Denoiser model) {
        return (xt, t) -> epsilon(schedule, xt, model.x0(xt, t), t);
    }
}
