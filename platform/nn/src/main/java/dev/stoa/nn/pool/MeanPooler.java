package dev.stoa.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * The mean over the real tokens (sentence-transformers' mean pooling; Flamingo's contrastive towers):
 *
 * <pre>
 * y[b] = Σ_t m[b, t] x[b, t] / max(1, Σ_t m[b, t])
 * </pre>
 *
 * <p>Inputs: {@code [x (B, T, D)]} (every token counts) or {@code [x, m (B, T)]} with {@code m} non-zero for a
 * real token. Output: {@code [y (B, D)]}; a row with no real token gives zeros. No parameters.
 */
public final class MeanPooler extends AbstractBlock {

    private static final byte VERSION = 1;

    /** Creates the pooler. */
    public MeanPooler() {
        super(VERSION);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray x = inputs.get(0);
        if (inputs.size() == 1) {
            return new NDList(x.mean(new int[] {1}));
        }
        NDArray m = inputs.get(1).neq(0).toType(x.getDataType(), false).expandDims(2); // (B, T, 1)
        NDArray count = m.sum(new int[] {1}).maximum(1f); // (B, 1)
        return new NDList(x.mul(m).sum(new int[] {1}).div(count));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        if (x.dimension() != 3
                || inputShapes.length > 2
                || inputShapes.length == 2 && !inputShapes[1].equals(new Shape(x.get(0), x.get(1)))) {
            throw new IllegalArgumentException(
                    "expected [x (B, T, D)] or [x, mask (B, T)], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(x.get(0), x.get(2))};
    }
}
