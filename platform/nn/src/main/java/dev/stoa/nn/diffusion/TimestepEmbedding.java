package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * The sinusoidal timestep embedding of DDPM and guided-diffusion ({@code timestep_embedding}): for D = 2h,
 * {@code e(t) = [cos(t w_0), ..., cos(t w_{h-1}), sin(t w_0), ..., sin(t w_{h-1})]}, {@code w_i = 10000^(-i / h)}.
 * The model passes it through an MLP; the shapes are {@code t (B) -> (B, D)}.
 */
public final class TimestepEmbedding {

    /** The longest period's base, as in the transformer's positions. */
    public static final double MAX_PERIOD = 10000;

    private TimestepEmbedding() {}

    /**
     * @param t timesteps {@code (B)}, any numeric type
     * @param dimension D, even, at least 2
     * @return {@code (B, D)} float32, in the manager of {@code t}
     */
    public static NDArray sinusoidal(NDArray t, int dimension) {
        if (dimension < 2 || dimension % 2 != 0) {
            throw new IllegalArgumentException(
                    "the timestep embedding needs an even size of at least 2, got " + dimension);
        }
        if (t.getShape().dimension() != 1) {
            throw new IllegalArgumentException("timesteps are (B), got " + t.getShape());
        }
        int half = dimension / 2;
        float[] frequencies = new float[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = (float) Math.exp(-Math.log(MAX_PERIOD) * i / half);
        }
        NDArray angles = t.toType(DataType.FLOAT32, false)
                .expandDims(1)
                .mul(t.getManager().create(frequencies).expandDims(0));
        return NDArrays.concat(new NDList(angles.cos(), angles.sin()), 1);
    }
}
