package dev.stoa.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * Takes one token per sequence, CLIP's text pooling: the features at the end-of-text token, which has the highest
 * id in CLIP's vocabulary ({@code x[arange(B), text.argmax(dim=-1)]} in OpenAI's {@code encode_text}).
 *
 * <p>Inputs: {@code [x (B, T, D), ids (B, T)]} pools at {@code argmax_t ids[b, t]} (the first, if tied), or
 * {@code [x (B, T, D), positions (B)]} pools at the given positions (tokenizers whose end token is not the highest
 * id). Output: {@code [y (B, D)]}. No parameters; the gradient flows to the chosen tokens only.
 */
public final class EndOfTextPooler extends AbstractBlock {

    private static final byte VERSION = 1;

    /** Creates the pooler. */
    public EndOfTextPooler() {
        super(VERSION);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray x = inputs.get(0);
        NDArray index = inputs.get(1);
        NDArray positions = index.getShape().dimension() == 2 ? index.argMax(1) : index;
        long length = x.getShape().get(1);
        // one-hot (B, 1, T) @ x (B, T, D) selects a row per batch entry and keeps the graph differentiable
        NDArray select = positions
                .toType(DataType.INT64, false)
                .oneHot((int) length)
                .toType(x.getDataType(), false)
                .expandDims(1);
        return new NDList(select.matMul(x).squeeze(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes.length == 2 ? inputShapes[0] : null;
        boolean ok = x != null
                && x.dimension() == 3
                && (inputShapes[1].equals(new Shape(x.get(0), x.get(1))) || inputShapes[1].equals(new Shape(x.get(0))));
        if (!ok) {
            throw new IllegalArgumentException(
                    "expected [x (B, T, D), ids (B, T)] or [x (B, T, D), positions (B)], got "
                            + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(x.get(0), x.get(2))};
    }
}
