package dev.stoa.nn.pool;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Takes the first token, where a {@code ClassToken} sits (ViT, BERT, CLIP's image tower):
 * {@code (B, T, D) -> (B, D)}, {@code y[b] = x[b, 0]}. No parameters.
 */
public final class ClsPooler extends AbstractBlock {

    private static final byte VERSION = 1;

    /** Creates the pooler. */
    public ClsPooler() {
        super(VERSION);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(inputs.singletonOrThrow().get(":, 0, :"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        if (x.dimension() != 3) {
            throw new IllegalArgumentException("expected (B, T, D), got " + x);
        }
        return new Shape[] {new Shape(x.get(0), x.get(2))};
    }
}
