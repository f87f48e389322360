package dev.stoa.encoders.internal;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.util.Pair;
import dev.stoa.nn.embed.ClassToken;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.onnx.OnnxBlocks;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.onnx.OnnxType;
import dev.stoa.nn.onnx.OnnxValue;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.List;

/**
 * The ONNX forms of this bundle's encoders ({@link dev.stoa.nn.onnx.OnnxExportable}), each the graph of its block's
 * inference forward, built from {@link OnnxBlocks}.
 */
final class EncoderOnnx {

    private EncoderOnnx() {}

    /** {@link VisionTransformer}: {@code [images (B, 3, S, S)] -> [(B, width)]}. */
    static List<OnnxValue> vit(VisionTransformer block, OnnxGraph g, String name, List<OnnxValue> inputs) {
        one(inputs, name, "[images]");
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue x = OnnxBlocks.patchEmbedding(
                    g, "patches", (PatchEmbedding) OnnxBlocks.child(block, "patches"), inputs.get(0));
            x = OnnxBlocks.classToken(g, "class_token", (ClassToken) OnnxBlocks.child(block, "class_token"), x);
            x = OnnxBlocks.positionalEmbedding(
                    g, "positions", (PositionalEmbedding) OnnxBlocks.child(block, "positions"), x);
            x = OnnxBlocks.layerNorm(g, "ln_pre", (LayerNorm) OnnxBlocks.child(block, "ln_pre"), x);
            x = OnnxBlocks.transformerStack(
                    g, "transformer", (TransformerStack) OnnxBlocks.child(block, "transformer"), x, null, null, null);
            x = OnnxBlocks.clsPool(g, x);
            return List.of(OnnxBlocks.layerNorm(g, "ln_post", (LayerNorm) OnnxBlocks.child(block, "ln_post"), x));
        }
    }

    /**
     * {@link TextTransformer}: {@code [ids (B, T)]} or {@code [ids, lengths (B)]} (INT64) -> {@code [(B, width)]}: the
     * end-of-text token (at {@code length - 1}) of a causal tower, the first token of a bidirectional one.
     */
    static List<OnnxValue> text(
            TextTransformer block, boolean causal, OnnxGraph g, String name, List<OnnxValue> inputs) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException(name + " takes [ids] or [ids, lengths], got " + inputs.size());
        }
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue ids = g.cast(inputs.get(0), OnnxType.INT64);
            OnnxValue lengths = inputs.size() > 1
                    ? g.cast(inputs.get(1), OnnxType.INT64)
                    : g.op("Expand", g.squeeze(g.dim(ids, 1), 0), g.dim(ids, 0));
            OnnxValue x = OnnxBlocks.tokenEmbedding(
                    g, "token_embedding", OnnxBlocks.parameter(block, "token_embedding"), ids);
            x = OnnxBlocks.positionalEmbedding(
                    g, "positions", (PositionalEmbedding) OnnxBlocks.child(block, "positions"), x);
            OnnxValue mask = causal
                    ? OnnxBlocks.causalMask(g, ids)
                    : OnnxBlocks.paddingMask(g, OnnxBlocks.lengthMask(g, lengths, ids));
            x = OnnxBlocks.transformerStack(
                    g, "transformer", (TransformerStack) OnnxBlocks.child(block, "transformer"), x, mask, null, null);
            x = OnnxBlocks.layerNorm(g, "ln_final", (LayerNorm) OnnxBlocks.child(block, "ln_final"), x);
            return List.of(
                    causal ? OnnxBlocks.endOfTextPool(g, x, g.sub(lengths, g.scalar(1L))) : OnnxBlocks.clsPool(g, x));
        }
    }

    /**
     * {@link ResNetEncoder}: {@code [images (B, 3, H, W)] -> [(B, C)]} (global average pool) or, as tokens,
     * {@code [(B, h·w, C)]}. Its sequential blocks hold convolutions, batch norms (running statistics) and ReLUs: the
     * only lambda blocks this bundle puts in a ResNet are {@code Activation::relu}.
     */
    static List<OnnxValue> resnet(
            ResNetEncoder block, boolean tokens, OnnxGraph g, String name, List<OnnxValue> inputs) {
        one(inputs, name, "[images]");
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue map = sequence(g, "body", (SequentialBlock) OnnxBlocks.child(block, "body"), inputs.get(0));
            if (!tokens) {
                // one axis at a time, as the block computes it
                return List.of(g.reduceMean(g.reduceMean(map, false, 3), false, 2));
            }
            return List.of(g.transpose(g.reshape(map, 0, 0, -1), 0, 2, 1));
        }
    }

    private static OnnxValue sequence(OnnxGraph g, String name, SequentialBlock block, OnnxValue x) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            for (Pair<String, Block> child : block.getChildren()) {
                x = layer(g, child.getKey(), child.getValue(), x);
            }
            return x;
        }
    }

    private static OnnxValue layer(OnnxGraph g, String name, Block block, OnnxValue x) {
        if (block instanceof Convolution conv) {
            return OnnxBlocks.convolution(g, name, conv, x);
        } else if (block instanceof BatchNorm bn) {
            return OnnxBlocks.batchNorm(g, name, bn, x);
        } else if (block instanceof LambdaBlock) {
            return OnnxBlocks.relu(g, x);
        } else if (block instanceof ResidualBlock residual) {
            try (OnnxGraph.Scope s = g.scope(name)) {
                OnnxValue y = sequence(g, "residual", (SequentialBlock) OnnxBlocks.child(residual, "residual"), x);
                boolean projected = residual.getChildren().keys().stream().anyMatch(k -> k.endsWith("shortcut"));
                OnnxValue skip = projected
                        ? sequence(g, "shortcut", (SequentialBlock) OnnxBlocks.child(residual, "shortcut"), x)
                        : x;
                return OnnxBlocks.relu(g, g.add(y, skip));
            }
        }
        throw new IllegalArgumentException(
                "block " + name + " (" + block.getClass().getName() + ") of a ResNet encoder has no ONNX form");
    }

    private static void one(List<OnnxValue> inputs, String name, String expected) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(name + " takes " + expected + ", got " + inputs.size() + " inputs");
        }
    }
}
