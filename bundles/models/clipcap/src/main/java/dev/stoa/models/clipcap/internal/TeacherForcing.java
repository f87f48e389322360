package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.lm.LanguageModel;

/**
 * A language model trained on text alone: {@code [ids (B, T)] -> [logits (B, T, V), ids]}, the ids passed through so
 * the output is what the {@code captioning} loss takes.
 */
final class TeacherForcing extends AbstractBlock {

    private static final byte VERSION = 1;

    private final LanguageModel decoder;

    TeacherForcing(LanguageModel decoder) {
        super(VERSION);
        this.decoder = addChildBlock("decoder", decoder);
    }

    LanguageModel decoder() {
        return decoder;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(
                decoder.forward(ps, new NDList(inputs.head()), training).head(), inputs.head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {decoder.getOutputShapes(inputShapes)[0], inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        decoder.initialize(manager, dataType, inputShapes);
    }
}
