package dev.stoa.nn.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.transformer.TransformerLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * VC-GPT's fusion module (Luo et al. 2022, section 3.2): a few decoder layers on top of a frozen language model,
 * whose queries are the language model's last hidden states and which cross-attend to an image's grid features, then
 * a head over the vocabulary. Pre-LN layers ({@link TransformerLayer} with cross-attention), causal over the text:
 *
 * <pre>
 * q = W_h h + b_h                                   (B, T, D) -> (B, T, W)   the LM's last hidden states
 * c = LN_c(W_c g + b_c)                             (B, N, C) -> (B, N, W)   the image's grid features
 * q = Layer_l(q, causal, c)         l = 1..L        x + SelfAttn(LN x) ; x + CrossAttn(LN x, c) ; x + MLP(LN x)
 * z = W_o LN_o(q)                                   (B, T, W) -> (B, T, V)   the fused logits
 * </pre>
 *
 * <p>{@code W_o} starts at zero, so before training the fused logits are 0 and the self-ensembled logits
 * ({@link SelfEnsembling#ENSEMBLE}) are exactly the language model's: training starts from the frozen model's
 * captions and learns what the image adds (the role of Flamingo's tanh gates at 0). Inputs {@code [h (B, T, D),
 * g (B, N, C)]}; output {@code [z (B, T, V)]}.
 */
public final class CrossAttentionFusion extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int vocabularySize;
    private final int width;
    private final Linear textIn;
    private final Linear imageIn;
    private final LayerNorm imageNorm;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm outNorm;
    private final Linear head;

    private CrossAttentionFusion(Builder b) {
        super(VERSION);
        this.vocabularySize = b.vocabularySize;
        this.width = b.width;
        textIn = addChildBlock("text_in", Linear.builder().setUnits(width).build());
        imageIn = addChildBlock("image_in", Linear.builder().setUnits(width).build());
        // axis 2 of (B, N, W): per token
        imageNorm = addChildBlock("image_norm", LayerNorm.builder().axis(2).build());
        for (int l = 0; l < b.layers; l++) {
            layers.add(addChildBlock(
                    "layer_" + l,
                    TransformerLayer.builder()
                            .setEmbeddingSize(width)
                            .setHeadCount(b.heads)
                            .optMlpRatio(b.mlpRatio)
                            .optCrossAttention(true)
                            .build()));
        }
        outNorm = addChildBlock("out_norm", LayerNorm.builder().axis(2).build());
        head = addChildBlock(
                "head", Linear.builder().setUnits(vocabularySize).optBias(false).build());
        head.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return V */
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray h = inputs.get(0);
        NDArray g = inputs.get(1);
        NDArray q = textIn.forward(ps, new NDList(h), training).head();
        NDArray c = imageNorm
                .forward(ps, imageIn.forward(ps, new NDList(g), training), training)
                .head();
        NDArray mask = AttentionMasks.causal(h.getManager(), (int) h.getShape().get(1));
        for (TransformerLayer layer : layers) {
            q = layer.forward(ps, new NDList(q, mask, c), training).head();
        }
        q = outNorm.forward(ps, new NDList(q), training).head();
        return head.forward(ps, new NDList(q), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 2
                || inputShapes[0].dimension() != 3
                || inputShapes[1].dimension() != 3
                || inputShapes[0].get(0) != inputShapes[1].get(0)) {
            throw new IllegalArgumentException(
                    "expected [hidden (B, T, D), grid (B, N, C)], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), vocabularySize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        Shape q = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), width);
        Shape c = new Shape(inputShapes[1].get(0), inputShapes[1].get(1), width);
        textIn.initialize(manager, dataType, inputShapes[0]);
        imageIn.initialize(manager, dataType, inputShapes[1]);
        imageNorm.initialize(manager, dataType, c);
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, q, new Shape(1, q.get(1), q.get(1)), c);
        }
        outNorm.initialize(manager, dataType, q);
        head.initialize(manager, dataType, q);
    }

    /** Builds a {@link CrossAttentionFusion}: all {@code set*} are required. */
    public static final class Builder {
        private int vocabularySize;
        private int width;
        private int layers;
        private int heads;
        private float mlpRatio = 4f;

        private Builder() {}

        /**
         * @param vocabularySize V, the language model's vocabulary
         * @return this
         */
        public Builder setVocabularySize(int vocabularySize) {
            this.vocabularySize = vocabularySize;
            return this;
        }

        /**
         * @param width W, the fusion layers' width
         * @return this
         */
        public Builder setWidth(int width) {
            this.width = width;
            return this;
        }

        /**
         * @param layers L, at least one
         * @return this
         */
        public Builder setLayerCount(int layers) {
            this.layers = layers;
            return this;
        }

        /**
         * @param heads attention heads, a divisor of W
         * @return this
         */
        public Builder setHeadCount(int heads) {
            this.heads = heads;
            return this;
        }

        /**
         * @param mlpRatio the MLP's hidden width over W (4)
         * @return this
         */
        public Builder optMlpRatio(float mlpRatio) {
            this.mlpRatio = mlpRatio;
            return this;
        }

        /**
         * @return the block
         * @throws IllegalArgumentException when a size is missing or W is not a multiple of the heads
         */
        public CrossAttentionFusion build() {
            if (vocabularySize < 1 || width < 1 || layers < 1 || heads < 1 || width % heads != 0) {
                throw new IllegalArgumentException("need vocabularySize, width, layers >= 1 and heads dividing width;"
                        + " got V=" + vocabularySize + ", W=" + width + ", L=" + layers + ", heads=" + heads);
            }
            return new CrossAttentionFusion(this);
        }
    }
}
