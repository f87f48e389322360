package dev.stoa.nn.fusion;

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
import dev.stoa.nn.attention.MultiHeadAttention;
import java.util.Arrays;

/**
 * ViLBERT's co-attentional transformer layer (Lu et al. 2019, "ViLBERT", section 3.1 and figure 2b): two streams,
 * one per modality and each with its own width, exchange information by attending to each other: the visual
 * stream's queries read the linguistic stream's keys and values, and the other way round. Pre-LN, as the other
 * layers of this library:
 *
 * <pre>
 * v' = v + CoAttention_v(LN_v(v), LN_l(l), lMask)      queries from vision, keys and values from language
 * l' = l + CoAttention_l(LN_l(l), LN_v(v), vMask)      queries from language, keys and values from vision
 * v'' = v' + MLP_v(LN(v'))                              W₂ GELU(W₁ x + b₁) + b₂, hidden r·D_v
 * l'' = l' + MLP_l(LN(l'))                              hidden r·D_l
 * </pre>
 *
 * <p>Both directions read the layer's inputs (neither sees the other's update), so the layer is symmetric in its two
 * streams. ViLBERT follows each co-attentional layer by an ordinary transformer layer in each stream; build those
 * with {@link dev.stoa.nn.transformer.TransformerLayer} of each stream's width.
 *
 * <p>Inputs: {@code [v, l]}, {@code [v, l, lMask]} or {@code [v, l, lMask, vMask]}; shapes {@code v (B, S, D_v)},
 * {@code l (B, T, D_l)}, masks {@code (B, T)} and {@code (B, S)}, non-zero where a position may be attended to.
 * Outputs: {@code [v'' (B, S, D_v), l'' (B, T, D_l)]}.
 */
public final class CoAttentionLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int visionSize;
    private final int languageSize;
    private final Stream vision;
    private final Stream language;

    private CoAttentionLayer(Builder builder) {
        super(VERSION);
        visionSize = builder.visionSize;
        languageSize = builder.languageSize;
        vision = new Stream("vision", builder.visionSize, builder.visionHeads, builder);
        language = new Stream("language", builder.languageSize, builder.languageHeads, builder);
    }

    /** @return a builder; both streams' widths and head counts are required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray v = inputs.get(0);
        NDArray l = inputs.get(1);
        NDArray languageMask = inputs.size() > 2 ? inputs.get(2) : null;
        NDArray visionMask = inputs.size() > 3 ? inputs.get(3) : null;

        NDArray vNorm = vision.norm(parameterStore, v, training, params);
        NDArray lNorm = language.norm(parameterStore, l, training, params);
        NDArray vOut = v.add(vision.attend(parameterStore, vNorm, lNorm, languageMask, training, params));
        NDArray lOut = l.add(language.attend(parameterStore, lNorm, vNorm, visionMask, training, params));
        return new NDList(
                vision.mlp(parameterStore, vOut, training, params),
                language.mlp(parameterStore, lOut, training, params));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length < 2 || inputShapes.length > 4) {
            throw new IllegalArgumentException(
                    "a co-attention layer takes [v, l], [v, l, lMask] or [v, l, lMask, vMask], got "
                            + inputShapes.length + " arrays");
        }
        Shape v = inputShapes[0];
        Shape l = inputShapes[1];
        boolean ok = v.dimension() == 3
                && l.dimension() == 3
                && v.get(2) == visionSize
                && l.get(2) == languageSize
                && v.get(0) == l.get(0)
                && (inputShapes.length < 3 || inputShapes[2].equals(new Shape(l.get(0), l.get(1))))
                && (inputShapes.length < 4 || inputShapes[3].equals(new Shape(v.get(0), v.get(1))));
        if (!ok) {
            throw new IllegalArgumentException("expected v (B, S, " + visionSize + "), l (B, T, " + languageSize
                    + "), lMask (B, T), vMask (B, S); got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {v, l};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        vision.initialize(manager, dataType, inputShapes[0], inputShapes[1]);
        language.initialize(manager, dataType, inputShapes[1], inputShapes[0]);
    }

    /** One stream's sublayers: its input norm, its attention to the other stream, and its MLP. */
    private final class Stream {

        private final LayerNorm inputNorm;
        private final MultiHeadAttention attention;
        private final LayerNorm mlpNorm;
        private final Linear mlpIn;
        private final Linear mlpOut;

        Stream(String name, int width, int heads, Builder builder) {
            // axis 2 of (B, L, D): each token normalised on its own (DJL's LayerNorm would take the whole sequence)
            inputNorm = addChildBlock(
                    name + "_norm",
                    LayerNorm.builder()
                            .axis(2)
                            .optEpsilon(builder.layerNormEpsilon)
                            .build());
            attention = addChildBlock(
                    name + "_co_attention",
                    MultiHeadAttention.builder()
                            .setEmbeddingSize(width)
                            .setHeadCount(heads)
                            .build());
            mlpNorm = addChildBlock(
                    name + "_mlp_norm",
                    LayerNorm.builder()
                            .axis(2)
                            .optEpsilon(builder.layerNormEpsilon)
                            .build());
            mlpIn = addChildBlock(
                    name + "_mlp_in",
                    Linear.builder()
                            .setUnits(Math.round(width * (double) builder.mlpRatio))
                            .build());
            mlpOut = addChildBlock(
                    name + "_mlp_out", Linear.builder().setUnits(width).build());
        }

        NDArray norm(ParameterStore store, NDArray x, boolean training, PairList<String, Object> params) {
            return inputNorm.forward(store, new NDList(x), training, params).head();
        }

        NDArray attend(
                ParameterStore store,
                NDArray queries,
                NDArray other,
                NDArray otherMask,
                boolean training,
                PairList<String, Object> params) {
            NDList in = otherMask == null ? new NDList(queries, other) : new NDList(queries, other, otherMask);
            return attention.forward(store, in, training, params).head();
        }

        NDArray mlp(ParameterStore store, NDArray x, boolean training, PairList<String, Object> params) {
            NDArray h = mlpNorm.forward(store, new NDList(x), training, params).head();
            h = Activation.gelu(
                    mlpIn.forward(store, new NDList(h), training, params).head());
            return x.add(mlpOut.forward(store, new NDList(h), training, params).head());
        }

        void initialize(NDManager manager, DataType dataType, Shape own, Shape other) {
            inputNorm.initialize(manager, dataType, own);
            attention.initialize(manager, dataType, own, other);
            mlpNorm.initialize(manager, dataType, own);
            mlpIn.initialize(manager, dataType, own);
            mlpOut.initialize(manager, dataType, mlpIn.getOutputShapes(new Shape[] {own}));
        }
    }

    /** Builds a {@link CoAttentionLayer}. */
    public static final class Builder {

        private int visionSize;
        private int visionHeads;
        private int languageSize;
        private int languageHeads;
        private float mlpRatio = 4f;
        private float layerNormEpsilon = 1e-5f;

        private Builder() {}

        /**
         * @param width D_v, the visual stream's width
         * @param heads its attention heads; D_v must be a multiple of them
         * @return this builder
         */
        public Builder setVision(int width, int heads) {
            this.visionSize = width;
            this.visionHeads = heads;
            return this;
        }

        /**
         * @param width D_l, the linguistic stream's width
         * @param heads its attention heads; D_l must be a multiple of them
         * @return this builder
         */
        public Builder setLanguage(int width, int heads) {
            this.languageSize = width;
            this.languageHeads = heads;
            return this;
        }

        /**
         * @param mlpRatio r, each MLP's hidden width over its stream's width (default 4)
         * @return this builder
         */
        public Builder optMlpRatio(float mlpRatio) {
            this.mlpRatio = mlpRatio;
            return this;
        }

        /**
         * @param layerNormEpsilon ε of the layer norms (default 1e-5)
         * @return this builder
         */
        public Builder optLayerNormEpsilon(float layerNormEpsilon) {
            this.layerNormEpsilon = layerNormEpsilon;
            return this;
        }

        /**
         * @return the layer
         * @throws IllegalArgumentException if a width or head count is missing or inconsistent
         */
        public CoAttentionLayer build() {
            for (int[] stream : new int[][] {{visionSize, visionHeads}, {languageSize, languageHeads}}) {
                if (stream[0] <= 0 || stream[1] <= 0 || stream[0] % stream[1] != 0) {
                    throw new IllegalArgumentException("each stream needs a positive width that is a multiple of a"
                            + " positive head count, got D_v=" + visionSize + ", H_v=" + visionHeads + ", D_l="
                            + languageSize + ", H_l=" + languageHeads);
                }
            }
            if (!(mlpRatio > 0) || !(layerNormEpsilon > 0)) {
                throw new IllegalArgumentException("MLP ratio and layer-norm epsilon must be positive, got " + mlpRatio
                        + " and " + layerNormEpsilon);
            }
            return new CoAttentionLayer(this);
        }
    }
}
