package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.transformer.TransformerStack;

/**
 * GLIDE's text encoder, small: word embeddings plus learned positions, a bidirectional pre-LN
 * {@link TransformerStack} over the real tokens, a final layer norm. Its tokens condition the U-Net by cross-attention;
 * their mean over the real tokens is the pooled caption added to the timestep embedding (the paper uses the last
 * token; with a bidirectional encoder the mean serves the same purpose).
 *
 * <p>Inputs {@code [ids (B, T), lengths (B)]}; outputs {@code [tokens (B, T, W), pooled (B, W)]}.
 */
final class CaptionEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int vocabulary;
    private final int width;
    private final Parameter embedding;
    private final PositionalEmbedding positions;
    private final TransformerStack transformer;
    private final LayerNorm norm;

    CaptionEncoder(int vocabulary, int length, int width, int layers, int heads) {
        super(VERSION);
        this.vocabulary = vocabulary;
        this.width = width;
        embedding = addParameter(Parameter.builder()
                .setName("token_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabulary, width))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        positions = addChildBlock(
                "positions",
                PositionalEmbedding.builder()
                        .setMaxLength(length)
                        .setEmbeddingSize(width)
                        .build());
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(layers)
                        .setEmbeddingSize(width)
                        .setHeadCount(heads)
                        .build());
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0).toType(DataType.INT64, false);
        NDManager manager = ids.getManager();
        long length = ids.getShape().get(1);
        NDArray keep = manager.arange(length)
                .expandDims(0)
                .lt(inputs.get(1).toType(DataType.INT64, false).expandDims(1));
        NDArray table = ps.getValue(embedding, ids.getDevice(), training);
        NDArray x = ids.oneHot(vocabulary).toType(table.getDataType(), false).matMul(table);
        x = positions.forward(ps, new NDList(x), training, params).head();
        x = transformer
                .forward(ps, new NDList(x, AttentionMasks.padding(keep)), training, params)
                .head();
        x = norm.forward(ps, new NDList(x), training, params).head();
        NDArray weights = keep.toType(DataType.FLOAT32, false).expandDims(2);
        NDArray pooled =
                x.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}).maximum(1f));
        return new NDList(x, pooled);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), width), new Shape(ids.get(0), width)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape x = new Shape(ids.get(0), ids.get(1), width);
        positions.initialize(manager, dataType, x);
        transformer.initialize(manager, dataType, x, new Shape(ids.get(0), 1, ids.get(1)));
        norm.initialize(manager, dataType, x);
    }
}
