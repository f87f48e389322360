package dev.stoa.nn.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * The image-text matching head of VisualBERT's sentence-image prediction and ViLBERT's alignment prediction (BERT's
 * pooler and next-sentence classifier): from one pooled vector per pair, the logits of "the text describes the
 * image" against "it does not":
 *
 * <pre>
 * y = W₂ tanh(W₁ p + b₁) + b₂            W₁: D -> D, W₂: D -> 2;  p (B, D), e.g. the [CLS] position
 * </pre>
 *
 * <p>Class 1 is "matches", class 0 "does not"; {@code softmax(y)[1]} is the matching score a service returns. For
 * ViLBERT, whose two streams each pool a vector, pass their element-wise product (as the paper does). Input:
 * {@code [p (B, D)]}; output: {@code [logits (B, 2)]}.
 */
public final class MatchingHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final Linear pooler;
    private final Linear classifier;

    private MatchingHead(int embeddingSize) {
        super(VERSION);
        this.embeddingSize = embeddingSize;
        pooler =
                addChildBlock("pooler", Linear.builder().setUnits(embeddingSize).build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(2).build());
    }

    /**
     * @param embeddingSize D, the width of the pooled vector
     * @return the head
     * @throws IllegalArgumentException if the size is not positive
     */
    public static MatchingHead of(int embeddingSize) {
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("need a positive width, got D=" + embeddingSize);
        }
        return new MatchingHead(embeddingSize);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray h =
                pooler.forward(parameterStore, inputs, training, params).head().tanh();
        return classifier.forward(parameterStore, new NDList(h), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape p = inputShapes[0];
        if (inputShapes.length != 1 || p.dimension() != 2 || p.get(1) != embeddingSize) {
            throw new IllegalArgumentException(
                    "expected [p (B, " + embeddingSize + ")], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(p.get(0), 2)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        pooler.initialize(manager, dataType, inputShapes[0]);
        classifier.initialize(manager, dataType, inputShapes[0]);
    }
}
