package dev.stoa.encoders.internal;

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
import dev.stoa.nn.onnx.OnnxExportable;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.onnx.OnnxValue;
import dev.stoa.nn.pool.ClsPooler;
import dev.stoa.nn.pool.EndOfTextPooler;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;
import java.util.List;

/**
 * A text transformer, CLIP's text tower (causal, a GPT-2-like stack) or a BERT-style encoder (bidirectional, as
 * ALIGN's text tower):
 *
 * <pre>
 * x = E[ids] + P                                   token embedding (V, D), learned positions: (B, T, D)
 * x = LN_final(TransformerStack(x, mask))          causal: lower-triangular mask; bidirectional: key padding
 * causal:        y = x[b, lengths[b] - 1]          the end-of-text token (CLIP's encode_text)
 * bidirectional: y = x[b, 0]                       the first token as [CLS] (BERT)
 * </pre>
 *
 * <p>Inputs: {@code [ids (B, T) int64]} (every token real) or {@code [ids, lengths (B) int64]}; output
 * {@code [features (B, D)]}. In the causal tower a token attends only to earlier ones, so tokens after the pooled
 * end-of-text token cannot change the output. {@code E} starts as N(0, 0.02) and {@code P} as N(0, 0.01), CLIP's
 * {@code initialize_parameters}. The embedding lookup is a one-hot product, exact and differentiable; its cost grows
 * with V, fine for the byte and word vocabularies trained here.
 */
final class TextTransformer extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;

    private final int vocabularySize;
    private final int contextLength;
    private final int width;
    private final boolean causal;
    private final Parameter tokenEmbedding;
    private final PositionalEmbedding positions;
    private final TransformerStack transformer;
    private final LayerNorm finalNorm;
    private final EndOfTextPooler endOfText;
    private final ClsPooler cls;

    TextTransformer(
            int vocabularySize, int contextLength, int width, int layers, int heads, float mlpRatio, boolean causal) {
        super(VERSION);
        this.vocabularySize = vocabularySize;
        this.contextLength = contextLength;
        this.width = width;
        this.causal = causal;
        tokenEmbedding = addParameter(Parameter.builder()
                .setName("token_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, width))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        positions = addChildBlock(
                "positions",
                PositionalEmbedding.builder()
                        .setMaxLength(contextLength)
                        .setEmbeddingSize(width)
                        .build());
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(layers)
                        .setEmbeddingSize(width)
                        .setHeadCount(heads)
                        .optMlpRatio(mlpRatio)
                        .build());
        // axis 2 of (B, T, D): per token (DJL's LayerNorm would normalise the whole sequence)
        finalNorm = addChildBlock("ln_final", LayerNorm.builder().axis(2).build());
        endOfText = addChildBlock("end_of_text", new EndOfTextPooler());
        cls = addChildBlock("cls", new ClsPooler());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray ids = inputs.get(0).toType(DataType.INT64, false);
        NDManager manager = ids.getManager();
        long batch = ids.getShape().get(0);
        int length = (int) ids.getShape().get(1);
        NDArray lengths = inputs.size() > 1
                ? inputs.get(1).toType(DataType.INT64, false)
                : manager.full(new Shape(batch), length, DataType.INT64);
        if (ids.max().getLong() >= vocabularySize || ids.min().getLong() < 0) {
            throw new IllegalArgumentException("token ids must be in [0, " + vocabularySize + "), got ["
                    + ids.min().getLong() + ", " + ids.max().getLong() + "]; use the model's tokenizer");
        }
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        // one-hot (B, T, V) @ E (V, D): starts from the batch, so the result lives in the batch's manager
        NDArray x =
                ids.oneHot(vocabularySize).toType(table.getDataType(), false).matMul(table);
        x = positions.forward(ps, new NDList(x), training, params).head();
        NDArray mask = causal
                ? AttentionMasks.causal(manager, length)
                : AttentionMasks.padding(manager.arange(length).expandDims(0).lt(lengths.expandDims(1)));
        x = transformer.forward(ps, new NDList(x, mask), training, params).head();
        x = finalNorm.forward(ps, new NDList(x), training, params).head();
        return causal
                ? endOfText.forward(ps, new NDList(x, lengths.sub(1)), training, params)
                : cls.forward(ps, new NDList(x), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        if (ids.dimension() != 2
                || ids.get(1) > contextLength
                || inputShapes.length > 2
                || inputShapes.length == 2 && !inputShapes[1].equals(new Shape(ids.get(0)))) {
            throw new IllegalArgumentException("expected [ids (B, T)] or [ids, lengths (B)] with T <= " + contextLength
                    + ", got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(ids.get(0), width)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        Shape x = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), width);
        positions.initialize(manager, dataType, x);
        transformer.initialize(manager, dataType, x, new Shape(1, x.get(1), x.get(1)));
        finalNorm.initialize(manager, dataType, x);
        endOfText.initialize(manager, dataType, x, new Shape(x.get(0)));
        cls.initialize(manager, dataType, x);
    }

    @Override
    public List<OnnxValue> toOnnx(OnnxGraph graph, String name, List<OnnxValue> inputs) {
        return EncoderOnnx.text(this, causal, graph, name, inputs);
    }
}
