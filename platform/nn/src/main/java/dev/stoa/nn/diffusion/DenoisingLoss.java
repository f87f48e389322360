package dev.stoa.nn.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Arrays;
import java.util.List;

/**
 * DDPM's simplified objective (Ho et al. 2020, eq. 14): {@code L = E || eps - eps_theta(x_t, t) ||^2}, the mean over
 * every element of the batch. Inputs {@code [predicted (B, ...), eps (B, ...)]}; output {@code [total, mse]}, both the
 * same scalar. No parameters.
 */
public final class DenoisingLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;

    /** The part's name in the trainer's log. */
    public static final String MSE = "mse";

    /** A new loss. */
    public DenoisingLoss() {
        super(VERSION);
    }

    @Override
    public List<String> partNames() {
        return List.of(MSE);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray diff = inputs.get(0).sub(inputs.get(1));
        NDArray mse = diff.mul(diff).mean();
        return new NDList(mse, mse);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 2 || !inputShapes[0].equals(inputShapes[1])) {
            throw new IllegalArgumentException(
                    "expected [predicted, eps] of one shape, got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(), new Shape()};
    }
}
