package dev.stoa.models.gpt.internal;

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
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.lm.DecoderExport;
import dev.stoa.nn.lm.HiddenStates;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.onnx.DecoderGraphs;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;
import java.util.List;

/**
 * A GPT-2-style causal decoder (Radford et al. 2019) built from {@code dev.stoa.nn} blocks:
 *
 * <pre>
 * x = [prefix ; E[ids]] + P[s .. s+K+T-1]        token embedding E (V, D), learned positions P (L, D), s = cached
 * x = LN_final(TransformerStack(x, causal mask))  pre-LN layers; the K prefix positions may see each other
 * logits = x[:, K:] Eᵀ                            tied LM head (or an untied W (D, V))
 * </pre>
 *
 * <p>Inputs {@code [ids (B, T) int64]} or {@code [ids, prefix (B, K, D)]}; output {@code [logits (B, T, V)]}, where
 * row t scores the token after {@code ids[:, t]}. {@link #forwardWithCache} runs new tokens against the key/value
 * caches of earlier positions (incremental decoding). E starts as N(0, 0.02) (GPT-2), P as N(0, 0.01). The embedding
 * lookup is a one-hot product, exact and differentiable; its cost grows with V, fine for byte and word vocabularies.
 */
final class GptDecoder extends AbstractBlock implements LanguageModel, DecoderExport, HiddenStates {

    private static final byte VERSION = 1;

    private final int vocabularySize;
    private final int maxLength;
    private final int width;
    private final boolean prefixBidirectional;
    private final Parameter tokenEmbedding;
    private final PositionalEmbedding positions;
    private final TransformerStack transformer;
    private final LayerNorm finalNorm;
    private final Linear head;

    GptDecoder(
            int vocabularySize,
            int maxLength,
            int width,
            int layers,
            int heads,
            float mlpRatio,
            boolean tieEmbeddings,
            boolean prefixBidirectional) {
        super(VERSION);
        this.vocabularySize = vocabularySize;
        this.maxLength = maxLength;
        this.width = width;
        this.prefixBidirectional = prefixBidirectional;
        tokenEmbedding = addParameter(Parameter.builder()
                .setName("token_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, width))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        positions = addChildBlock(
                "positions",
                PositionalEmbedding.builder()
                        .setMaxLength(maxLength)
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
        head = tieEmbeddings
                ? null
                : addChildBlock(
                        "lm_head",
                        Linear.builder().setUnits(vocabularySize).optBias(false).build());
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public int maxSequenceLength() {
        return maxLength;
    }

    @Override
    public int embeddingSize() {
        return width;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        return new NDList(forwardWithCache(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, null, training)
                .output());
    }

    @Override
    public TransformerStack.CachedOutput forwardWithCache(
            ParameterStore ps, NDArray ids, NDArray prefix, List<KeyValueCache> past, boolean training) {
        Pass pass = run(ps, ids, prefix, past, training);
        return new TransformerStack.CachedOutput(pass.logits(), pass.caches());
    }

    @Override
    public NDList forwardHidden(ParameterStore ps, NDArray ids, boolean training) {
        Pass pass = run(ps, ids, null, null, training);
        return new NDList(pass.logits(), pass.hidden());
    }

    /** One pass: the final-norm hidden states of the token positions, their logits, and the caches. */
    private record Pass(NDArray logits, NDArray hidden, List<KeyValueCache> caches) {}

    private Pass run(ParameterStore ps, NDArray ids, NDArray prefix, List<KeyValueCache> past, boolean training) {
        if (prefix != null && past != null) {
            throw new IllegalArgumentException("a prefix goes before the first tokens only; pass it without caches");
        }
        ids = ids.toType(DataType.INT64, false);
        if (ids.max().getLong() >= vocabularySize || ids.min().getLong() < 0) {
            throw new IllegalArgumentException("token ids must be in [0, " + vocabularySize + "), got ["
                    + ids.min().getLong() + ", " + ids.max().getLong() + "]; use the model's tokenizer");
        }
        NDManager manager = ids.getManager();
        int cached = past == null ? 0 : (int) past.get(0).length();
        int prefixLength = prefix == null ? 0 : (int) prefix.getShape().get(1);
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        // one-hot (B, T, V) @ E (V, D): starts from the batch, so the result lives in the batch's manager
        NDArray x =
                ids.oneHot(vocabularySize).toType(table.getDataType(), false).matMul(table);
        if (prefix != null) {
            x = prefix.concat(x, 1);
        }
        x = positions.forwardAt(ps, x, cached, training);
        int length = (int) x.getShape().get(1);
        NDArray mask;
        if (cached == 0) {
            mask = prefixBidirectional && prefixLength > 0
                    ? AttentionMasks.prefix(manager, length, prefixLength)
                    : AttentionMasks.causal(manager, length);
        } else {
            // one new token may attend to every cached one: no mask needed
            mask = length == 1 ? null : AttentionMasks.causal(manager, length, cached);
        }
        TransformerStack.CachedOutput out = transformer.forwardWithCache(ps, x, mask, past, training);
        NDArray h = finalNorm.forward(ps, new NDList(out.output()), training).head();
        if (prefixLength > 0) {
            h = h.get(":, " + prefixLength + ":, :");
        }
        // h Eᵀ as Linear computes it, starting from h: table.transpose() would pile up in the model's manager
        NDArray logits = head == null
                ? Linear.linear(h, table).head()
                : head.forward(ps, new NDList(h), training).head();
        return new Pass(logits, h, out.caches());
    }

    /** The decoder as ONNX, with its key/value cache as inputs and outputs ({@link DecoderGraphs#decoder}). */
    @Override
    public OnnxGraph onnxDecoder(String name, boolean prefixInput) {
        if (!tokenEmbedding.isInitialized()) {
            throw new IllegalStateException("initialise or load the decoder before exporting it");
        }
        return DecoderGraphs.decoder(
                name,
                new DecoderGraphs.Decoder(
                        tokenEmbedding.getArray(), positions, transformer, finalNorm, head, prefixBidirectional),
                prefixInput);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        long prefix = inputShapes.length > 1 ? inputShapes[1].get(1) : 0;
        if (ids.dimension() != 2
                || inputShapes.length > 2
                || ids.get(1) + prefix > maxLength
                || inputShapes.length == 2
                        && (inputShapes[1].dimension() != 3
                                || inputShapes[1].get(2) != width
                                || inputShapes[1].get(0) != ids.get(0))) {
            throw new IllegalArgumentException("expected [ids (B, T)] or [ids, prefix (B, K, " + width
                    + ")] with K + T <= " + maxLength + ", got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(ids.get(0), ids.get(1), vocabularySize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        long prefix = inputShapes.length > 1 ? inputShapes[1].get(1) : 0;
        Shape x = new Shape(inputShapes[0].get(0), inputShapes[0].get(1) + prefix, width);
        positions.initialize(manager, dataType, x);
        transformer.initialize(manager, dataType, x, new Shape(1, x.get(1), x.get(1)));
        finalNorm.initialize(manager, dataType, x);
        if (head != null) {
            head.initialize(manager, dataType, x);
        }
    }
}
