package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a diffusion model's output means, and so what it is trained to regress. With {@code a = alphaBar_t} and
 * {@code x_t = sqrt(a) x_0 + sqrt(1 - a) eps}:
 *
 * <pre>
 * EPSILON  the noise eps                                  (Ho et al. 2020; GLIDE)
 * V        v = sqrt(a) eps - sqrt(1 - a) x_0              (Salimans and Ho 2022, "progressive distillation")
 *          eps = sqrt(1 - a) x_t + sqrt(a) v
 * X0       the clean image x_0                            (unCLIP's prior; Ramesh et al. 2022)
 *          eps = (x_t - sqrt(a) x_0) / sqrt(1 - a)
 * </pre>
 *
 * <p>The sampler ({@link GaussianDiffusion#sample}) steps with eps; {@link #denoiser} turns a model's output into it.
 * eps-prediction is hardest where the image is nearly clean (the noise is a small part of x_t) and x_0-prediction where
 * it is nearly all noise; v is the mixture that is equally well scaled at every t, which makes a small model learn
 * the coarse picture (colour, place, shape) in far fewer steps.
 */
public enum Prediction {
    /** The noise. */
    EPSILON,
    /** The velocity {@code sqrt(a) eps - sqrt(1 - a) x_0}. */
    V,
    /** The clean image. */
    X0;

    /**
     * @param name {@code eps}, {@code v} or {@code x0} (any case)
     * @return the parameterisation
     * @throws IllegalArgumentException naming the three otherwise
     */
    public static Prediction named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "eps", "epsilon" -> EPSILON;
            case "v" -> V;
            case "x0", "x_0" -> X0;
            default -> throw new IllegalArgumentException("prediction is eps, v or x0, got '" + name + "'");
        };
    }

    /** @return the name {@link #named} reads: {@code eps}, {@code v} or {@code x0} */
    public String key() {
        return switch (this) {
            case EPSILON -> "eps";
            case V -> "v";
            case X0 -> "x0";
        };
    }

    /**
     * The training target for one batch.
     *
     * @param schedule the noise schedule
     * @param x0 the clean images {@code (B, ...)}
     * @param eps the noise that made x_t
     * @param t a timestep per example
     * @return eps, v or x_0, in the manager of {@code x0}
     */
    public NDArray target(NoiseSchedule schedule, NDArray x0, NDArray eps, int[] t) {
        return switch (this) {
            case EPSILON -> eps;
            case X0 -> x0;
            case V -> eps.mul(perExample(schedule, x0, t, false)).sub(x0.mul(perExample(schedule, x0, t, true)));
        };
    }

    /**
     * @param schedule the noise schedule
     * @param xt x_t {@code (B, ...)}
     * @param output the model's output at t
     * @param t the timestep of the whole batch
     * @return the noise the output implies
     */
    public NDArray epsilon(NoiseSchedule schedule, NDArray xt, NDArray output, int t) {
        if (t < 0 || t >= schedule.steps()) {
            throw new IllegalArgumentException("timesteps are 0 to " + (schedule.steps() - 1) + ", got " + t);
        }
        double a = schedule.alphaBar(t);
        float signal = (float) Math.sqrt(a);
        float noise = (float) Math.sqrt(1 - a);
        return switch (this) {
            case EPSILON -> output;
            case V -> xt.mul(noise).add(output.mul(signal));
            case X0 -> xt.sub(output.mul(signal)).div(Math.max(noise, 1e-4f));
        };
    }

    /**
     * @param model a model giving this parameterisation's output
     * @param schedule its noise schedule
     * @return a denoiser giving the noise, for {@link GaussianDiffusion#sample}
     */
    public Denoiser denoiser(Denoiser model, NoiseSchedule schedule) {
        return this == EPSILON ? model : (xt, t) -> epsilon(schedule, xt, model.epsilon(xt, t), t);
    }

    /** sqrt(alphaBar_t) (or, with {@code noise}, sqrt(1 - alphaBar_t)) per example, shaped to broadcast. */
    private static NDArray perExample(NoiseSchedule schedule, NDArray like, int[] t, boolean noise) {
        float[] c = new float[t.length];
        for (int b = 0; b < t.length; b++) {
            double ab = schedule.alphaBar(t[b]);
            c[b] = (float) Math.sqrt(noise ? 1 - ab : ab);
        }
        long[] shape = new long[like.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = t.length;
        return like.getManager().create(c, new Shape(shape)).toType(like.getDataType(), false);
    }
}
