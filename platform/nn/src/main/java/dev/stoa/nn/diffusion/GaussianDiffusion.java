package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Gaussian diffusion over a {@link NoiseSchedule}, with an epsilon-predicting model (Ho et al. 2020):
 *
 * <pre>
 * forward   x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) eps,  eps ~ N(0, I)           q(x_t | x_0)
 * x_0       x_0 = (x_t - sqrt(1 - alphaBar_t) eps) / sqrt(alphaBar_t)                         the x_0 eps implies
 * DDIM      x_s = sqrt(alphaBar_s) x_0 + sqrt(1 - alphaBar_s) eps,  s the next timestep (eta = 0)   (Song et al. 2021)
 * </pre>
 *
 * <p>Training draws t and eps, makes x_t with {@link #noise} and regresses eps ({@link DenoisingLoss}). {@link #sample}
 * runs DDIM from x_T over any n <= T timesteps ({@link NoiseSchedule#samplingTimesteps}); with {@code clip}, each
 * x_0 is clamped to the data range [-1, 1] and eps recomputed from it (guided-diffusion's {@code clip_denoised}), which
 * keeps large guidance scales from leaving the range. Deterministic: the only noise is x_T, which the caller draws
 * ({@link GaussianNoise}).
 */
public final class GaussianDiffusion {

    private final NoiseSchedule schedule;

    /** @param schedule the noise schedule */
    public GaussianDiffusion(NoiseSchedule schedule) {
        this.schedule = schedule;
    }

    /** @return the schedule */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** Called after each sampling step. */
    @FunctionalInterface
    public interface StepListener {
        /** Does nothing. */
        StepListener NONE = (done, total) -> {};

        /**
         * @param done steps done, 1 to total
         * @param total the sampler's steps
         */
        void stepDone(int done, int total);
    }

    /**
     * q(x_t | x_0) with the given noise: {@code sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) eps}, per example.
     *
     * @param x0 clean images {@code (B, ...)}
     * @param eps noise of the same shape
     * @param t a timestep per example, 0 to T-1
     * @return x_t, in the manager of {@code x0}
     */
    public NDArray noise(NDArray x0, NDArray eps, int[] t) {
        checkBatch(x0, t);
        return x0.mul(coefficient(x0, t, false)).add(eps.mul(coefficient(x0, t, true)));
    }

    /**
     * @param xt noisy images {@code (B, ...)}
     * @param eps the (predicted) noise
     * @param t a timestep per example
     * @return {@code (x_t - sqrt(1 - alphaBar_t) eps) / sqrt(alphaBar_t)}
     */
    public NDArray predictX0(NDArray xt, NDArray eps, int[] t) {
        checkBatch(xt, t);
        return xt.sub(eps.mul(coefficient(xt, t, true))).div(coefficient(xt, t, false));
    }

    /**
     * One deterministic DDIM step (eta = 0) from timestep {@code t} to {@code next}.
     *
     * @param xt x_t {@code (B, ...)}
     * @param eps the predicted noise at t
     * @param t the current timestep
     * @param next the next (smaller) timestep, or -1 for the clean image
     * @param clip whether x_0 is clamped to [-1, 1] (and eps recomputed from it)
     * @return x_next
     */
    public NDArray ddimStep(NDArray xt, NDArray eps, int t, int next, boolean clip) {
        if (next >= t) {
            throw new IllegalArgumentException("DDIM steps go down: " + t + " -> " + next);
        }
        double abT = schedule.alphaBar(t);
        double abNext = schedule.alphaBar(next);
        NDArray x0 = xt.sub(eps.mul((float) Math.sqrt(1 - abT))).div((float) Math.sqrt(abT));
        if (clip) {
            x0 = x0.clip(-1f, 1f);
            eps = xt.sub(x0.mul((float) Math.sqrt(abT))).div((float) Math.sqrt(1 - abT));
        }
        return x0.mul((float) Math.sqrt(abNext)).add(eps.mul((float) Math.sqrt(1 - abNext)));
    }

    /**
     * DDIM sampling: from x_T down the n timesteps of {@link NoiseSchedule#samplingTimesteps}, the last step to the
     * clean image. Each step's intermediate arrays are freed when it ends.
     *
     * @param xT the starting noise {@code (B, C, H, W)}, which stays in its manager (the result joins it too)
     * @param steps n, 1 to T
     * @param denoiser the model (with guidance, if any, bound in)
     * @param clip whether each x_0 is clamped to [-1, 1]
     * @param listener told after each step
     * @return x_0, in the manager of {@code xT}
     */
    public NDArray sample(NDArray xT, int steps, Denoiser denoiser, boolean clip, StepListener listener) {
        int[] timesteps = schedule.samplingTimesteps(steps);
        NDManager home = xT.getManager();
        NDArray x = xT;
        for (int i = 0; i < timesteps.length; i++) {
            int t = timesteps[i];
            int next = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
            try (NDManager step = home.newSubManager()) {
                // a copy in the step's manager: everything derived from it is freed with the step
                NDArray current = x.duplicate();
                current.attach(step);
                NDArray eps = denoiser.epsilon(current, t);
                NDArray out = ddimStep(current, eps, t, next, clip);
                out.attach(home);
                if (x != xT) {
                    x.close();
                }
                x = out;
            }
            listener.stepDone(i + 1, timesteps.length);
        }
        return x;
    }

    /** sqrt(alphaBar_t) or sqrt(1 - alphaBar_t), one per example, shaped {@code (B, 1, ..., 1)} to broadcast. */
    private NDArray coefficient(NDArray like, int[] t, boolean noise) {
        float[] c = new float[t.length];
        for (int b = 0; b < t.length; b++) {
            double ab = schedule.alphaBar(t[b]);
            c[b] = (float) Math.sqrt(noise ? 1 - ab : ab);
        }
        long[] shape = new long[like.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = t.length;
        return like.getManager().create(c, new Shape(shape)).toType(like.getDataType(), false);
    }

    private void checkBatch(NDArray x, int[] t) {
        if (x.getShape().get(0) != t.length) {
            throw new IllegalArgumentException(
                    "one timestep per example: batch " + x.getShape().get(0) + ", " + t.length + " timesteps");
        }
        for (int v : t) {
            if (v < 0 || v >= schedule.steps()) {
                throw new IllegalArgumentException("timesteps are 0 to " + (schedule.steps() - 1) + ", got " + v);
            }
        }
    }
}
