package dev.stoa.nn.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.stoa.nn.attention.MultiHeadAttention;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.transformer.TransformerLayer;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX graphs of causal decoders with their key/value cache as explicit inputs and outputs (GPT, ClipCap's decoder),
 * assembled from {@link OnnxBlocks}.
 *
 * <p>The decoder graph ({@link #decoder}):
 *
 * <pre>
 * inputs   tokens INT64 [batch, tokens]                       the new tokens
 *          position INT64 [1]                                 how many positions come before them (= past)
 *          prefix FLOAT [batch, prefix, D]                     only with a prefix input: embeddings before the
 *                                                              tokens (ClipCap), [batch, 0, D] after the first step
 *          past.&lt;l&gt;.key, past.&lt;l&gt;.value FLOAT [batch, H, past, D/H]   per layer; past = 0 on the first step
 * outputs  logits FLOAT [batch, tokens, V]                    of the new tokens only (not of the prefix)
 *          present.&lt;l&gt;.key, present.&lt;l&gt;.value [batch, H, past + prefix + tokens, D/H]
 * </pre>
 *
 * <p>Feeding {@code present.*} back as {@code past.*} with {@code position} advanced by the new positions decodes
 * incrementally, as {@code LanguageModel.forwardWithCache} does. All sequences of a batch share one length (there is
 * no padding mask). The attention mask is built inside the graph from the past length: new position {@code i}
 * (absolute {@code past + i}) sees every key {@code j <= past + i}; with a bidirectional prefix of K positions, every
 * key {@code j <= max(past + i, K - 1)} (the mask of {@code AttentionMasks.prefix}).
 */
public final class DecoderGraphs {

    /** The new tokens, INT64 [batch, tokens]; the names of the graph's inputs and outputs follow. */
    public static final String TOKENS = "tokens";
    /** The number of positions before the new tokens, INT64 [1]. */
    public static final String POSITION = "position";
    /** Prefix embeddings, FLOAT [batch, prefix, D]. */
    public static final String PREFIX = "prefix";
    /** The new tokens' logits, FLOAT [batch, tokens, V]. */
    public static final String LOGITS = "logits";

    private DecoderGraphs() {}

    /**
     * @param layer the layer index
     * @param keys keys ({@code true}) or values
     * @return {@code past.<layer>.key} or {@code past.<layer>.value}
     */
    public static String past(int layer, boolean keys) {
        return "past." + layer + (keys ? ".key" : ".value");
    }

    /**
     * @param layer the layer index
     * @param keys keys ({@code true}) or values
     * @return {@code present.<layer>.key} or {@code present.<layer>.value}
     */
    public static String present(int layer, boolean keys) {
        return "present." + layer + (keys ? ".key" : ".value");
    }

    /**
     * What a GPT-style decoder is made of: {@code x = [prefix ; E[ids]] + P[position ..]},
     * {@code x = finalNorm(transformer(x, causal))}, {@code logits = x[:, K:] Eᵀ} (or {@code head(x)}).
     *
     * @param tokenEmbedding E {@code (V, D)}
     * @param positions the learned positions P {@code (L, D)}
     * @param transformer the pre-LN stack, without cross-attention
     * @param finalNorm the layer norm after the stack
     * @param head an untied LM head without bias, or {@code null} for {@code Eᵀ}
     * @param prefixBidirectional whether the prefix positions see each other
     */
    public record Decoder(
            NDArray tokenEmbedding,
            PositionalEmbedding positions,
            TransformerStack transformer,
            LayerNorm finalNorm,
            Linear head,
            boolean prefixBidirectional) {}

    /**
     * Writes a decoder as a graph with its key/value cache as inputs and outputs (see the class comment), from
     * {@link OnnxBlocks}' blocks.
     *
     * @param name the graph's name
     * @param decoder its blocks and parameters
     * @param prefixInput whether the graph takes a {@code prefix} input (ClipCap's decoder) or not (a plain GPT)
     * @return the graph, ready to {@link OnnxGraph#write}
     */
    public static OnnxGraph decoder(String name, Decoder decoder, boolean prefixInput) {
        OnnxGraph g = new OnnxGraph(name);
        long[] e = decoder.tokenEmbedding().getShape().getShape();
        long vocabulary = e[0];
        long width = e[1];
        List<TransformerLayer> layers = decoder.transformer().getLayers();
        MultiHeadAttention first = (MultiHeadAttention) OnnxBlocks.child(layers.get(0), "attention");
        long heads = first.getHeadCount();
        long headSize = width / heads;
        g.docString("causal decoder: " + layers.size() + " layers, D=" + width + ", H=" + heads + ", V=" + vocabulary
                + "; key/value cache as past.<l>.key/value -> present.<l>.key/value [batch, H, positions, D/H]");

        OnnxValue tokens = g.input(TOKENS, OnnxType.INT64, "batch", "tokens");
        OnnxValue position = g.input(POSITION, OnnxType.INT64, 1);
        OnnxValue prefix = prefixInput ? g.input(PREFIX, OnnxType.FLOAT, "batch", "prefix", width) : null;
        List<OnnxValue[]> past = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            past.add(new OnnxValue[] {
                g.input(past(l, true), OnnxType.FLOAT, "batch", heads, "past", headSize),
                g.input(past(l, false), OnnxType.FLOAT, "batch", heads, "past", headSize)
            });
        }

        OnnxValue table = g.initializer("token_embedding", decoder.tokenEmbedding());
        OnnxValue x = g.gather(table, tokens, 0);
        if (prefix != null) {
            x = g.concat(1, prefix, x);
        }
        x = OnnxBlocks.positionalEmbeddingAt(g, "positions", decoder.positions(), x, position);
        OnnxValue mask = mask(g, x, past.get(0)[0], decoder.prefixBidirectional() ? prefix : null);

        try (OnnxGraph.Scope s = g.scope("transformer")) {
            for (int l = 0; l < layers.size(); l++) {
                OnnxBlocks.CachedOutput step = OnnxBlocks.transformerLayerWithCache(
                        g, "layer_" + l, layers.get(l), x, mask, past.get(l)[0], past.get(l)[1]);
                x = step.output();
                g.output(step.keys(), present(l, true), OnnxType.FLOAT, "batch", heads, "total", headSize);
                g.output(step.values(), present(l, false), OnnxType.FLOAT, "batch", heads, "total", headSize);
            }
        }
        OnnxValue h = OnnxBlocks.layerNorm(g, "ln_final", decoder.finalNorm(), x);
        if (prefix != null) {
            h = g.slice(h, g.dim(prefix, 1), g.ints(Long.MAX_VALUE), g.ints(1));
        }
        OnnxValue logits = decoder.head() == null
                ? g.matMul(h, g.transpose(table, 1, 0))
                : OnnxBlocks.linear(g, "lm_head", decoder.head(), h);
        g.output(logits, LOGITS, OnnxType.FLOAT, "batch", "tokens", vocabulary);
        return g;
    }

    /**
     * The decoder's mask for N new positions after P cached ones: position i (absolute P + i) sees key
     * {@code j <= P + i}; with a bidirectional prefix of K positions, {@code j <= max(P + i, K - 1)}.
     *
     * @param g the graph
     * @param x the new positions {@code (B, N, D)}
     * @param pastKeys {@code (B, H, P, d)}
     * @param bidirectionalPrefix the prefix input {@code (B, K, D)} whose positions see each other, or {@code null}
     * @return {@code (1, N, P + N)} BOOL
     */
    static OnnxValue mask(OnnxGraph g, OnnxValue x, OnnxValue pastKeys, OnnxValue bidirectionalPrefix) {
        if (bidirectionalPrefix == null) {
            return OnnxBlocks.causalMask(g, x, pastKeys);
        }
        OnnxValue length = g.squeeze(g.dim(x, 1), 0);
        OnnxValue pastLength = g.squeeze(g.dim(pastKeys, 2), 0);
        OnnxValue total = g.add(pastLength, length);
        OnnxValue queries = g.op("Range", pastLength, total, g.scalar(1L));
        OnnxValue lastPrefix = g.sub(g.squeeze(g.dim(bidirectionalPrefix, 1), 0), g.scalar(1L));
        queries = g.op("Max", queries, lastPrefix);
        OnnxValue keys = g.op("Range", g.scalar(0L), total, g.scalar(1L));
        return g.op("LessOrEqual", g.unsqueeze(keys, 0, 1), g.unsqueeze(queries, 0, 2));
    }
}
