package dev.stoa.nn.onnx;

import java.util.List;

/**
 * A block that writes its own inference forward into an {@link OnnxGraph}: how a composite block of another bundle
 * (an encoder whose class is private there) is exported by a model that only holds it as a {@code Block}. See
 * {@link OnnxBlocks#block}.
 */
public interface OnnxExportable {

    /**
     * Writes this block's forward ({@code training = false}) into the graph.
     *
     * @param graph the graph
     * @param name this block's name in the graph (the scope of its initialisers and nodes)
     * @param inputs the forward's inputs, in the order of its {@code NDList}
     * @return the forward's outputs, in order
     * @throws IllegalArgumentException if a part of the block has no ONNX form (the message names it)
     */
    List<OnnxValue> toOnnx(OnnxGraph graph, String name, List<OnnxValue> inputs);
}
