package dev.stoa.models.clipcap.internal;

import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.stoa.nn.onnx.OnnxBlocks;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.onnx.OnnxType;
import dev.stoa.nn.onnx.OnnxValue;
import dev.stoa.nn.transformer.TransformerStack;

/**
 * ClipCap's mapping networks as ONNX ({@code model.mapper.onnx}): {@code embedding FLOAT [batch, E]} (a CLIP image
 * embedding) -> {@code prefix FLOAT [batch, K, D]}, what the decoder graph takes as its {@code prefix} input.
 */
final class MapperGraphs {

    /** The graph's input. */
    static final String EMBEDDING = "embedding";
    /** The graph's output. */
    static final String PREFIX = "prefix";

    private MapperGraphs() {}

    /**
     * @param name the graph's name
     * @param mapper an initialised {@link MlpMapper} or {@link TransformerMapper}
     * @param embeddingSize E
     * @param prefixLength K
     * @param width D
     * @return the graph
     */
    static OnnxGraph mapper(String name, Block mapper, long embeddingSize, long prefixLength, long width) {
        OnnxGraph g = new OnnxGraph(name);
        OnnxValue v = g.input(EMBEDDING, OnnxType.FLOAT, "batch", embeddingSize);
        OnnxValue prefix;
        if (mapper instanceof MlpMapper) {
            g.docString("ClipCap MLP mapper: prefix = reshape(W2 tanh(W1 v + b1) + b2, (K, D))");
            OnnxValue h = g.op("Tanh", OnnxBlocks.linear(g, "hidden", (Linear) OnnxBlocks.child(mapper, "hidden"), v));
            OnnxValue y = OnnxBlocks.linear(g, "out", (Linear) OnnxBlocks.child(mapper, "out"), h);
            prefix = g.reshape(y, 0, prefixLength, width);
        } else if (mapper instanceof TransformerMapper) {
            g.docString("ClipCap transformer mapper: prefix = Transformer([reshape(W v + b, (K, D)) ; C])[:, K:]");
            OnnxValue x = g.reshape(
                    OnnxBlocks.linear(g, "project", (Linear) OnnxBlocks.child(mapper, "project"), v),
                    0,
                    prefixLength,
                    width);
            OnnxValue c = g.initializer("prefix_const", OnnxBlocks.parameter(mapper, "prefix_const"));
            OnnxValue h = g.concat(1, x, g.op("Expand", c, g.shape(x)));
            // full attention: the paper's mapper has no mask
            h = OnnxBlocks.transformerStack(
                    g, "transformer", (TransformerStack) OnnxBlocks.child(mapper, "transformer"), h, null, null, null);
            prefix = g.slice(h, g.ints(prefixLength), g.ints(Long.MAX_VALUE), g.ints(1));
        } else {
            throw new IllegalArgumentException(
                    "the mapper " + mapper.getClass().getSimpleName() + " has no ONNX form; use mlp or transformer");
        }
        g.output(prefix, PREFIX, OnnxType.FLOAT, "batch", prefixLength, width);
        return g;
    }
}
