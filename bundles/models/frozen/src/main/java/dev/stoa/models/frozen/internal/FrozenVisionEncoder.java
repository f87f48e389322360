package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.pool.MeanPooler;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;

/**
 * Frozen's vision side, trained from scratch (the paper: an NF-ResNet-50 whose pooled output a linear map turns into
 * k prefix embeddings of the language model's width D). With {@code image_encoder=resnet} the backbone is the encoders
 * bundle's ResNet, pooled (CoCa's image tower):
 *
 * <pre>
 * v      = ResNet(image)                                 stride-2 stem, stages, global average pool  (B, E)
 * prefix = reshape(Linear_{E -> k D}(v), (B, k, D))       the visual prefix                            (B, k, D)
 * </pre>
 *
 * <p>With {@code image_encoder=vit}, from the platform's blocks:
 *
 * <pre>
 * f      = GELU(Conv3x3(GELU(Conv3x3(image))))          the stem, full resolution          (B, C, S, S)
 * x      = PatchEmbedding_p(f) + P                       (S/p)^2 patch tokens, learned P    (B, N, W)
 * h      = LN(TransformerStack(x))                       L bidirectional layers             (B, N, W)
 * v      = mean_n h[:, n]                                mean pooling                       (B, W)
 * prefix = reshape(Linear_{W -> k D}(v), (B, k, D))       the visual prefix                   (B, k, D)
 * </pre>
 *
 * <p>Input {@code [image (B, 3, S, S)]}, output {@code [prefix (B, k, D)]}.
 */
final class FrozenVisionEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block backbone;
    private final Conv2d stem;
    private final Conv2d stem2;
    private final PatchEmbedding patches;
    private final PositionalEmbedding positions;
    private final TransformerStack transformer;
    private final LayerNorm norm;
    private final MeanPooler pool;
    private final Linear map;
    private final int prefixLength;
    private final int lmWidth;

    /**
     * @param config the variant
     * @param lmWidth D, the language model's embedding width
     * @param resnet the ResNet backbone, pooled output {@code (B, E)}, uninitialised; null for {@code vit}
     */
    FrozenVisionEncoder(FrozenConfig config, int lmWidth, Block resnet) {
        super(VERSION);
        this.prefixLength = config.prefixLength();
        this.lmWidth = lmWidth;
        map = addChildBlock(
                "map", Linear.builder().setUnits((long) prefixLength * lmWidth).build());
        if (resnet != null) {
            backbone = addChildBlock("backbone", resnet);
            stem = null;
            stem2 = null;
            patches = null;
            positions = null;
            transformer = null;
            norm = null;
            pool = null;
            return;
        }
        backbone = null;
        stem = addChildBlock(
                "stem",
                Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(config.stemChannels())
                        .build());
        stem2 = addChildBlock(
                "stem2",
                Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(config.stemChannels())
                        .build());
        patches = addChildBlock(
                "patches",
                PatchEmbedding.builder()
                        .setPatchSize(config.patchSize())
                        .setEmbeddingSize(config.width())
                        .build());
        positions = addChildBlock(
                "positions",
                PositionalEmbedding.builder()
                        .setMaxLength(config.patches())
                        .setEmbeddingSize(config.width())
                        .optInitialStd(0.02f)
                        .build());
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(config.layers())
                        .setEmbeddingSize(config.width())
                        .setHeadCount(config.heads())
                        .optMlpRatio((float) config.mlpRatio())
                        .build());
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        pool = addChildBlock("pool", new MeanPooler());
    }

    /** @return the pooled image {@code (B, E)} */
    private NDArray pooled(ParameterStore ps, NDArray image, boolean training, PairList<String, Object> params) {
        if (backbone != null) {
            return backbone.forward(ps, new NDList(image), training, params).head();
        }
        NDArray f = Activation.gelu(
                stem.forward(ps, new NDList(image), training, params).head());
        f = Activation.gelu(stem2.forward(ps, new NDList(f), training, params).head());
        NDArray x = patches.forward(ps, new NDList(f), training, params).head();
        x = positions.forward(ps, new NDList(x), training, params).head();
        NDArray h = transformer.forward(ps, new NDList(x), training, params).head();
        h = norm.forward(ps, new NDList(h), training, params).head();
        return pool.forward(ps, new NDList(h), training, params).head();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray image = inputs.head();
        NDArray v = pooled(ps, image, training, params);
        NDArray prefix = map.forward(ps, new NDList(v), training, params).head();
        return new NDList(prefix.reshape(image.getShape().get(0), prefixLength, lmWidth));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 1 || inputShapes[0].dimension() != 4) {
            throw new IllegalArgumentException("expected [image (B, 3, S, S)], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(inputShapes[0].get(0), prefixLength, lmWidth)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        if (backbone != null) {
            backbone.initialize(manager, dataType, s);
            map.initialize(manager, dataType, backbone.getOutputShapes(new Shape[] {s})[0]);
            return;
        }
        stem.initialize(manager, dataType, s);
        Shape f = stem.getOutputShapes(new Shape[] {s})[0];
        stem2.initialize(manager, dataType, f);
        patches.initialize(manager, dataType, f);
        Shape x = patches.getOutputShapes(new Shape[] {f})[0];
        positions.initialize(manager, dataType, x);
        transformer.initialize(manager, dataType, x);
        norm.initialize(manager, dataType, x);
        pool.initialize(manager, dataType, x);
        map.initialize(manager, dataType, new Shape(s.get(0), x.get(2)));
    }
}
