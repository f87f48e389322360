/**
 * ONNX export of the platform's blocks: {@link dev.stoa.nn.onnx.OnnxGraph} builds an ONNX model (opset 17, IR
 * version 8) node by node with the trained parameters as initialisers, {@link dev.stoa.nn.onnx.OnnxBlocks} writes
 * one {@code dev.stoa.nn} block (linear, layer norm, attention with masks and a key/value cache, transformer layers,
 * convolution and patch embedding, class token, positional and token embeddings, GELU, poolers, L2 normalisation)
 * into a graph, and {@link dev.stoa.nn.onnx.OnnxChecker} checks a model against the rules ONNX Runtime enforces on
 * load. The ONNX messages themselves (generated from the vendored {@code onnx.proto}) stay private to this bundle.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.nn.onnx;
