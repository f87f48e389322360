package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Standard normal noise drawn in Java from a {@link SplittableRandom}, not from the engine's global generator: the
 * same seed gives the same array whatever else the engine is doing (two calls sampling at once, a training run beside
 * them), which a sampling service's {@code seed} needs.
 */
public final class GaussianNoise {

    private GaussianNoise() {}

    /**
     * @param random the generator, advanced by {@code shape.size()} draws
     * @param shape the shape
     * @return {@code shape.size()} N(0, 1) values in row-major order
     */
    public static float[] draw(SplittableRandom random, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /**
     * @param manager where the array is created
     * @param random the generator
     * @param shape the shape
     * @return an N(0, I) array, float32
     */
    public static NDArray array(NDManager manager, SplittableRandom random, Shape shape) {
        return manager.create(draw(random, shape), shape);
    }
}
