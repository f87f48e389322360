package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Group normalisation (Wu and He 2018), which DJL lacks and diffusion U-Nets use throughout: the C channels of
 * {@code x (B, C, H, W)} split into G groups, each normalised over its channels and pixels,
 * {@code y = (x - mean_g) / sqrt(var_g + eps) * gamma_c + beta_c}, gamma starting at 1, beta at 0.
 */
public final class GroupNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int groups;
    private final int channels;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;

    /**
     * @param groups G, dividing C
     * @param channels C
     * @param epsilon added to the variance
     */
    public GroupNorm(int groups, int channels, float epsilon) {
        super(VERSION);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(groups + " groups must divide " + channels + " channels");
        }
        this.groups = groups;
        this.channels = channels;
        this.epsilon = epsilon;
        gamma = addParameter(Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(1, channels, 1, 1))
                .optInitializer(Initializer.ONES)
                .build());
        beta = addParameter(Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(1, channels, 1, 1))
                .optInitializer(Initializer.ZEROS)
                .build());
    }

    /**
     * The largest group count up to 32 and up to C / 4 that divides C: guided-diffusion's {@code normalization} uses 32
     * groups of its wide layers; narrow layers keep at least 4 channels a group, not per-channel (instance) norms.
     *
     * @param channels C
     * @return a group norm over them
     */
    public static GroupNorm of(int channels) {
        int g = Math.max(1, Math.min(32, channels / 4));
        while (channels % g != 0) {
            g--;
        }
        return new GroupNorm(g, channels, 1e-5f);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        NDArray mean = grouped.mean(new int[] {2}, true);
        NDArray centred = grouped.sub(mean);
        NDArray variance = centred.mul(centred).mean(new int[] {2}, true);
        NDArray normed = centred.div(variance.add(epsilon).sqrt()).reshape(shape);
        NDArray g = parameterStore.getValue(gamma, x.getDevice(), training);
        NDArray b = parameterStore.getValue(beta, x.getDevice(), training);
        return new NDList(normed.mul(g).add(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        if (x.dimension() != 4 || x.get(1) != channels) {
            throw new IllegalArgumentException("expected (B, " + channels + ", H, W), got " + x);
        }
        return new Shape[] {x};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }
}
