package dev.stoa.encoders.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.embed.ClassToken;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.encoder.TokenFeatures;
import dev.stoa.nn.onnx.OnnxExportable;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.onnx.OnnxValue;
import dev.stoa.nn.pool.ClsPooler;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.List;

/**
 * The ViT image tower of CLIP (Radford et al. 2021; OpenAI's {@code VisionTransformer}):
 *
 * <pre>
 * x = PatchEmbedding_p(images)                 (B, 3, S, S) -> (B, N, D), N = (S/p)²
 * x = [c; x] + P                               class token, learned positions: (B, 1 + N, D)
 * x = TransformerStack(LN_pre(x))              pre-LN layers, bidirectional
 * y = LN_post(x[:, 0])                         CLS pooling: (B, D)
 * </pre>
 *
 * <p>{@code LN_pre} is CLIP's {@code ln_pre}, kept because CLIP found it helps (their ViT differs from the original
 * there). The patch projection has no bias, as in CLIP; positions start at N(0, D<sup>-1/2</sup>), CLIP's
 * {@code scale * randn}. Input: {@code [images (B, 3, S, S)]} with S the configured image size; output:
 * {@code [features (B, D)]}. {@link #tokens} answers every token's features, {@code LN_post(x)} per token
 * {@code (B, 1 + N, D)}, whose first row is that output.
 */
final class VisionTransformer extends AbstractBlock implements OnnxExportable, TokenFeatures {

    private static final byte VERSION = 1;

    private final int imageSize;
    private final int width;
    private final PatchEmbedding patches;
    private final ClassToken classToken;
    private final PositionalEmbedding positions;
    private final LayerNorm preNorm;
    private final TransformerStack transformer;
    private final ClsPooler pooler;
    private final LayerNorm postNorm;

    VisionTransformer(int imageSize, int patchSize, int width, int layers, int heads, float mlpRatio) {
        super(VERSION);
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException(
                    "image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
        this.imageSize = imageSize;
        this.width = width;
        int tokens = (imageSize / patchSize) * (imageSize / patchSize) + 1;
        patches = addChildBlock(
                "patches",
                PatchEmbedding.builder()
                        .setPatchSize(patchSize)
                        .setEmbeddingSize(width)
                        .optBias(false)
                        .build());
        classToken = addChildBlock(
                "class_token", ClassToken.builder().setEmbeddingSize(width).build());
        positions = addChildBlock(
                "positions",
                PositionalEmbedding.builder()
                        .setMaxLength(tokens)
                        .setEmbeddingSize(width)
                        .optInitialStd((float) Math.pow(width, -0.5))
                        .build());
        // axis 2 of (B, T, D): per token, not over the whole sequence (DJL's LayerNorm default)
        preNorm = addChildBlock("ln_pre", LayerNorm.builder().axis(2).build());
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(layers)
                        .setEmbeddingSize(width)
                        .setHeadCount(heads)
                        .optMlpRatio(mlpRatio)
                        .build());
        pooler = addChildBlock("pooler", new ClsPooler());
        postNorm = addChildBlock("ln_post", LayerNorm.builder().build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        checkImages(inputs.singletonOrThrow().getShape());
        NDList x = patches.forward(ps, inputs, training, params);
        x = classToken.forward(ps, x, training, params);
        x = positions.forward(ps, x, training, params);
        x = preNorm.forward(ps, x, training, params);
        x = transformer.forward(ps, x, training, params);
        x = pooler.forward(ps, x, training, params);
        return postNorm.forward(ps, x, training, params);
    }

    @Override
    public NDArray tokens(ParameterStore ps, NDArray images, boolean training) {
        checkImages(images.getShape());
        NDList x = patches.forward(ps, new NDList(images), training);
        x = classToken.forward(ps, x, training);
        x = positions.forward(ps, x, training);
        x = preNorm.forward(ps, x, training);
        NDArray h = transformer.forward(ps, x, training).head();
        Shape shape = h.getShape();
        // LN_post normalises the last axis of a (B, D) input: as (B·T, D) it normalises each token, as for the CLS one
        NDArray rows = postNorm.forward(ps, new NDList(h.reshape(-1, shape.get(2))), training)
                .head();
        return rows.reshape(shape);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkImages(inputShapes[0]);
        return new Shape[] {new Shape(inputShapes[0].get(0), width)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkImages(inputShapes[0]);
        patches.initialize(manager, dataType, inputShapes);
        Shape tokens = patches.getOutputShapes(inputShapes)[0];
        classToken.initialize(manager, dataType, tokens);
        Shape sequence = classToken.getOutputShapes(new Shape[] {tokens})[0];
        positions.initialize(manager, dataType, sequence);
        preNorm.initialize(manager, dataType, sequence);
        transformer.initialize(manager, dataType, sequence);
        pooler.initialize(manager, dataType, sequence);
        postNorm.initialize(manager, dataType, new Shape(sequence.get(0), width));
    }

    private void checkImages(Shape images) {
        if (images.dimension() != 4 || images.get(1) != 3 || images.get(2) != imageSize || images.get(3) != imageSize) {
            throw new IllegalArgumentException("expected images (B, 3, " + imageSize + ", " + imageSize + "), got "
                    + images + "; resize and center-crop them to the configured image_size first");
        }
    }

    @Override
    public List<OnnxValue> toOnnx(OnnxGraph graph, String name, List<OnnxValue> inputs) {
        return EncoderOnnx.vit(this, graph, name, inputs);
    }
}
