package dev.stoa.nn.onnx;

import java.util.Objects;

/**
 * A named tensor of an {@link OnnxGraph}: a graph input, an initialiser, a constant or a node's output. Values are
 * created by the graph; the name is what the ONNX file calls it.
 *
 * @param name the tensor's name in the graph, unique within it
 */
public record OnnxValue(String name) {

    /** @param name the tensor's name in the graph, unique within it */
    public OnnxValue {
        Objects.requireNonNull(name, "name");
    }
}
