package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;

/** A model's noise prediction at one timestep: {@code eps_theta(x_t, t)}, the condition bound in. */
@FunctionalInterface
public interface Denoiser {

    /**
     * @param xt the noisy images {@code (B, C, H, W)}
     * @param t the timestep, 0 to T-1, the same for the whole batch
     * @return the predicted noise, the shape of {@code xt}
     */
    NDArray epsilon(NDArray xt, int t);
}
