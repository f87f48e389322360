package dev.stoa.nn.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * BERT's masked-language-modelling head (Devlin et al. 2019; VisualBERT and ViLBERT keep it): a transform of each
 * position's hidden state, then logits over the vocabulary:
 *
 * <pre>
 * y = W_o LN(GELU(W h + b)) + b_o        W: D -> D, W_o: D -> V
 * </pre>
 *
 * <p>The loss is cross-entropy on the masked positions only (see {@link TokenMasking}, whose labels are -1
 * elsewhere). The same head with V = the number of visual classes (or the feature width, with a regression loss)
 * predicts ViLBERT's masked image regions. Input: {@code [h (B, T, D)]}; output: {@code [logits (B, T, V)]}.
 */
public final class MaskedTokenHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final int outputSize;
    private final Linear transform;
    private final LayerNorm norm;
    private final Linear decoder;

    private MaskedTokenHead(int embeddingSize, int outputSize) {
        super(VERSION);
        this.embeddingSize = embeddingSize;
        this.outputSize = outputSize;
        transform = addChildBlock(
                "transform", Linear.builder().setUnits(embeddingSize).build());
        // axis 2 of (B, T, D): each position normalised on its own
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        decoder = addChildBlock("decoder", Linear.builder().setUnits(outputSize).build());
    }

    /**
     * @param embeddingSize D, the width of the hidden states
     * @param outputSize V, the vocabulary (or class, or feature) size
     * @return the head
     * @throws IllegalArgumentException if a size is not positive
     */
    public static MaskedTokenHead of(int embeddingSize, int outputSize) {
        if (embeddingSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("need positive sizes, got D=" + embeddingSize + ", V=" + outputSize);
        }
        return new MaskedTokenHead(embeddingSize, outputSize);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray h = transform.forward(parameterStore, inputs, training, params).head();
        h = norm.forward(parameterStore, new NDList(Activation.gelu(h)), training, params)
                .head();
        return decoder.forward(parameterStore, new NDList(h), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape h = inputShapes[0];
        if (inputShapes.length != 1 || h.dimension() != 3 || h.get(2) != embeddingSize) {
            throw new IllegalArgumentException(
                    "expected [h (B, T, " + embeddingSize + ")], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(h.get(0), h.get(1), outputSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        transform.initialize(manager, dataType, inputShapes[0]);
        norm.initialize(manager, dataType, inputShapes[0]);
        decoder.initialize(manager, dataType, inputShapes[0]);
    }
}
