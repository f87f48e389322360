package dev.stoa.nn.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import dev.stoa.nn.attention.MultiHeadAttention;
import dev.stoa.nn.embed.ClassToken;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.pool.AttentionalPooler;
import dev.stoa.nn.transformer.TransformerLayer;
import dev.stoa.nn.transformer.TransformerStack;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the platform's blocks into an {@link OnnxGraph}, one method per block, each computing what the block's DJL
 * {@code forward} computes in inference (same formula, same order of operations where rounding depends on it), with
 * the block's current parameters as initialisers named {@code <name>/<child>/<parameter>}.
 *
 * <p>Masks are what {@code dev.stoa.nn.attention.AttentionMasks} builds: {@code true} (or non-zero) where a query may
 * attend, {@code (B|1, T|1, S)} for attention ({@link #paddingMask}, {@link #lengthMask}, {@link #causalMask} and
 * {@link #and} build them in the graph). Shapes are dynamic: batch and sequence lengths come from the inputs.
 */
public final class OnnxBlocks {

    private OnnxBlocks() {}

    // ---- parameters ----

    /**
     * @param block a block
     * @param name the name of one of its own parameters (not a child's)
     * @return the parameter's current values
     * @throws IllegalArgumentException if the block has no such (initialised) parameter
     */
    public static NDArray parameter(Block block, String name) {
        Parameter p = block.getDirectParameters().get(name);
        if (p == null || !p.isInitialized()) {
            throw new IllegalArgumentException(
                    block.getClass().getSimpleName() + " has no initialised parameter " + name + " (it has "
                            + block.getDirectParameters().keys() + "); initialise or load the model first");
        }
        return p.getArray();
    }

    /**
     * @param block a block
     * @param name the name of a direct child as given to {@code addChildBlock} (DJL stores it behind its position,
     *     e.g. {@code 01query}; either form is found)
     * @return the child
     * @throws IllegalArgumentException if there is none of that name
     */
    public static Block child(Block block, String name) {
        Block c = block.getChildren().get(name);
        if (c == null) {
            // AbstractBlock.addChildBlock names a child by its position and name: 01query, 02key, ...
            for (ai.djl.util.Pair<String, Block> entry : block.getChildren()) {
                String key = entry.getKey();
                int digits = 0;
                while (digits < key.length() && Character.isDigit(key.charAt(digits))) {
                    digits++;
                }
                if (key.substring(digits).equals(name)) {
                    c = entry.getValue();
                    break;
                }
            }
        }
        if (c == null) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + " has no child block " + name
                    + " (it has " + block.getChildren().keys() + ")");
        }
        return c;
    }

    private static Object field(Object target, Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read " + owner.getSimpleName() + "." + name
                            + " for the ONNX export (a DJL version other than the platform's?)",
                    e);
        }
    }

    /** A matrix stored transposed, as {@code MatMul(x, Wᵀ)} takes it: {@code (out, in) -> (in, out)}. */
    private static OnnxValue transposedMatrix(OnnxGraph g, String name, NDArray w) {
        long rows = w.getShape().get(0);
        long cols = w.getShape().get(1);
        float[] v = w.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[(int) (c * rows + r)] = v[(int) (r * cols + c)];
            }
        }
        return g.initializer(name, t, cols, rows);
    }

    /**
     * Any block that has an ONNX form: an {@link OnnxExportable}, or one of the blocks this class writes that takes
     * one input (linear, layer norm, batch norm, convolution, patch embedding, class token, positional embedding,
     * CLS and mean poolers, a transformer layer or stack without mask).
     *
     * @param g the graph
     * @param name the block's name in the graph
     * @param block the block
     * @param inputs its forward's inputs
     * @return its forward's outputs
     * @throws IllegalArgumentException naming the block if it has no ONNX form
     */
    public static List<OnnxValue> block(OnnxGraph g, String name, Block block, List<OnnxValue> inputs) {
        if (block instanceof OnnxExportable e) {
            return e.toOnnx(g, name, inputs);
        }
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(
                    "block " + name + " (" + block.getClass().getName() + ") has no ONNX" + " form for " + inputs.size()
                            + " inputs; implement " + OnnxExportable.class.getName());
        }
        OnnxValue x = inputs.get(0);
        OnnxValue y;
        if (block instanceof Linear b) {
            y = linear(g, name, b, x);
        } else if (block instanceof LayerNorm b) {
            y = layerNorm(g, name, b, x);
        } else if (block instanceof BatchNorm b) {
            y = batchNorm(g, name, b, x);
        } else if (block instanceof Convolution b) {
            y = convolution(g, name, b, x);
        } else if (block instanceof PatchEmbedding b) {
            y = patchEmbedding(g, name, b, x);
        } else if (block instanceof ClassToken b) {
            y = classToken(g, name, b, x);
        } else if (block instanceof PositionalEmbedding b) {
            y = positionalEmbedding(g, name, b, x);
        } else if (block instanceof dev.stoa.nn.pool.ClsPooler) {
            y = clsPool(g, x);
        } else if (block instanceof dev.stoa.nn.pool.MeanPooler) {
            y = meanPool(g, x, null);
        } else if (block instanceof TransformerLayer b) {
            y = transformerLayer(g, name, b, x, null, null, null);
        } else if (block instanceof TransformerStack b) {
            y = transformerStack(g, name, b, x, null, null, null);
        } else {
            throw new IllegalArgumentException(
                    "block " + name + " (" + block.getClass().getName() + ") has no ONNX" + " form; implement "
                            + OnnxExportable.class.getName());
        }
        return List.of(y);
    }

    // ---- core blocks ----

    /**
     * DJL's {@link Linear}: {@code x Wᵀ + b} over the last axis, any rank.
     *
     * @param g the graph
     * @param name the block's name in the graph (initialisers {@code name/weight}, {@code name/bias})
     * @param block the block
     * @param x {@code (..., in)}
     * @return {@code (..., units)}
     */
    public static OnnxValue linear(OnnxGraph g, String name, Linear block, OnnxValue x) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue y = g.matMul(x, transposedMatrix(g, "weight", parameter(block, "weight")));
            Parameter bias = block.getDirectParameters().get("bias");
            return bias == null ? y : g.add(y, g.initializer("bias", bias.getArray()));
        }
    }

    /**
     * DJL's {@link LayerNorm} over the trailing axes it normalises (its normalised shape, e.g. the last axis when
     * built with {@code axis(2)} for {@code (B, T, D)}): ONNX {@code LayerNormalization} with the same ε.
     *
     * @param g the graph
     * @param name the block's name ({@code name/gamma}, {@code name/beta})
     * @param block the block
     * @param x the input
     * @return the normalised input
     */
    public static OnnxValue layerNorm(OnnxGraph g, String name, LayerNorm block, OnnxValue x) {
        float epsilon = (Float) field(block, LayerNorm.class, "epsilon");
        Shape normalized = (Shape) field(block, LayerNorm.class, "normalizedShape");
        if (normalized == null) {
            throw new IllegalArgumentException("layer norm " + name + " is not initialised");
        }
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue scale = scaleOrConstant(g, block, "gamma", normalized, 1f);
            OnnxValue bias = scaleOrConstant(g, block, "beta", normalized, 0f);
            return g.op(
                    "LayerNormalization",
                    Map.of("axis", (long) -normalized.dimension(), "epsilon", epsilon),
                    x,
                    scale,
                    bias);
        }
    }

    private static OnnxValue scaleOrConstant(OnnxGraph g, Block block, String param, Shape shape, float fill) {
        Parameter p = block.getDirectParameters().get(param);
        if (p != null && p.isInitialized()) {
            return g.initializer(param, p.getArray());
        }
        float[] values = new float[(int) shape.size()];
        Arrays.fill(values, fill);
        return g.initializer(param, values, shape.getShape());
    }

    /**
     * DJL's {@link BatchNorm} in inference: the running mean and variance, ONNX {@code BatchNormalization} over
     * axis 1 with the block's ε.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block (axis 1, as DJL's default)
     * @param x {@code (B, C, ...)}
     * @return the normalised input
     */
    public static OnnxValue batchNorm(OnnxGraph g, String name, BatchNorm block, OnnxValue x) {
        int axis = (Integer) field(block, BatchNorm.class, "axis");
        if (axis != 1) {
            throw new IllegalArgumentException("batch norm " + name + " normalises axis " + axis
                    + "; the ONNX export supports axis 1 (channels first) only");
        }
        float epsilon = (Float) field(block, BatchNorm.class, "epsilon");
        try (OnnxGraph.Scope s = g.scope(name)) {
            NDArray mean = parameter(block, "runningMean");
            Shape channels = mean.getShape();
            return g.op(
                    "BatchNormalization",
                    Map.of("epsilon", epsilon),
                    x,
                    scaleOrConstant(g, block, "gamma", channels, 1f),
                    scaleOrConstant(g, block, "beta", channels, 0f),
                    g.initializer("running_mean", mean),
                    g.initializer("running_var", parameter(block, "runningVar")));
        }
    }

    /**
     * DJL's convolutions ({@code Conv1d}, {@code Conv2d}, {@code Conv3d}): ONNX {@code Conv} with the block's kernel,
     * stride, symmetric padding, dilation and groups.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block
     * @param x {@code (B, C, ...)}
     * @return {@code (B, filters, ...)}
     */
    public static OnnxValue convolution(OnnxGraph g, String name, Convolution block, OnnxValue x) {
        long[] kernel = block.getKernelShape().getShape();
        long[] padding = block.getPadding().getShape();
        long[] pads = new long[padding.length * 2];
        for (int i = 0; i < padding.length; i++) {
            pads[i] = padding[i];
            pads[i + padding.length] = padding[i];
        }
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue w = g.initializer("weight", parameter(block, "weight"));
            OnnxValue b = block.isIncludeBias() ? g.initializer("bias", parameter(block, "bias")) : null;
            Map<String, Object> attributes = Map.of(
                    "kernel_shape",
                    kernel,
                    "strides",
                    block.getStride().getShape(),
                    "pads",
                    pads,
                    "dilations",
                    block.getDilation().getShape(),
                    "group",
                    (long) block.getGroups());
            return b == null ? g.op("Conv", attributes, x, w) : g.op("Conv", attributes, x, w, b);
        }
    }

    /**
     * GELU as DJL's {@code Activation.gelu} computes it on PyTorch (the exact form, not the tanh approximation):
     * {@code 0.5 x (1 + erf(x / √2))}. (ONNX has a Gelu operator only from opset 20.)
     *
     * @param g the graph
     * @param x the input
     * @return GELU(x)
     */
    public static OnnxValue gelu(OnnxGraph g, OnnxValue x) {
        OnnxValue erf = g.op("Erf", g.mul(x, g.scalar((float) (1 / Math.sqrt(2)))));
        return g.mul(g.mul(x, g.scalar(0.5f)), g.add(erf, g.scalar(1f)));
    }

    /**
     * @param g the graph
     * @param x the input
     * @return {@code max(x, 0)}
     */
    public static OnnxValue relu(OnnxGraph g, OnnxValue x) {
        return g.op("Relu", x);
    }

    /**
     * L2 normalisation over the last axis, PyTorch's {@code F.normalize}: {@code x / max(|x|, 1e-12)}.
     *
     * @param g the graph
     * @param x {@code (..., D)}
     * @return unit rows
     */
    public static OnnxValue l2Normalize(OnnxGraph g, OnnxValue x) {
        OnnxValue norm = g.op("Sqrt", g.reduceSum(g.mul(x, x), true, -1));
        return g.div(x, g.op("Max", norm, g.scalar(1e-12f)));
    }

    // ---- masks ----

    /**
     * {@code AttentionMasks.padding}: every query may attend to the real tokens.
     *
     * @param g the graph
     * @param keep {@code (B, S)}, non-zero (or true) for a real token
     * @return {@code (B, 1, S)} BOOL
     */
    public static OnnxValue paddingMask(OnnxGraph g, OnnxValue keep) {
        return g.unsqueeze(g.cast(keep, OnnxType.BOOL), 1);
    }

    /**
     * Which positions are real tokens, from the lengths: {@code arange(S) < lengths[:, None]}.
     *
     * @param g the graph
     * @param lengths {@code (B)} INT64
     * @param sequence any tensor whose axis 1 has the length S (e.g. the ids {@code (B, S)})
     * @return {@code (B, S)} BOOL
     */
    public static OnnxValue lengthMask(OnnxGraph g, OnnxValue lengths, OnnxValue sequence) {
        OnnxValue positions = g.op("Range", g.scalar(0L), g.squeeze(g.dim(sequence, 1), 0), g.scalar(1L));
        return g.op("Less", g.unsqueeze(positions, 0), g.unsqueeze(lengths, 1));
    }

    /**
     * {@code AttentionMasks.causal(m, T)}: position i attends to positions j <= i.
     *
     * @param g the graph
     * @param sequence any tensor whose axis 1 has the length T (ids {@code (B, T)} or {@code (B, T, D)})
     * @return {@code (1, T, T)} BOOL
     */
    public static OnnxValue causalMask(OnnxGraph g, OnnxValue sequence) {
        OnnxValue length = g.squeeze(g.dim(sequence, 1), 0);
        OnnxValue positions = g.op("Range", g.scalar(0L), length, g.scalar(1L));
        OnnxValue keys = g.unsqueeze(positions, 0, 1);
        OnnxValue queries = g.unsqueeze(positions, 0, 2);
        return g.op("LessOrEqual", keys, queries);
    }

    /**
     * {@code AttentionMasks.causal(m, T, P)}, for T new positions after P cached ones: new position i (absolute
     * P + i) attends to every key j <= P + i.
     *
     * @param g the graph
     * @param sequence any tensor whose axis 1 has the length T (the new positions)
     * @param pastKeys the cached keys {@code (B, H, P, d)} (P may be 0)
     * @return {@code (1, T, P + T)} BOOL
     */
    public static OnnxValue causalMask(OnnxGraph g, OnnxValue sequence, OnnxValue pastKeys) {
        OnnxValue length = g.squeeze(g.dim(sequence, 1), 0);
        OnnxValue past = g.squeeze(g.dim(pastKeys, 2), 0);
        OnnxValue queries = g.op("Range", past, g.add(past, length), g.scalar(1L));
        OnnxValue keys = g.op("Range", g.scalar(0L), g.add(past, length), g.scalar(1L));
        return g.op("LessOrEqual", g.unsqueeze(keys, 0, 1), g.unsqueeze(queries, 0, 2));
    }

    /**
     * @param g the graph
     * @param a a mask
     * @param b another mask
     * @return {@code a and b} (broadcasting), BOOL
     */
    public static OnnxValue and(OnnxGraph g, OnnxValue a, OnnxValue b) {
        return g.op("And", g.cast(a, OnnxType.BOOL), g.cast(b, OnnxType.BOOL));
    }

    // ---- attention ----

    /**
     * The output of an attention (or transformer layer) over new positions with a key/value cache: the output and
     * the cache extended by the new positions.
     *
     * @param output {@code (B, T, D)}
     * @param keys {@code (B, H, P + T, d)}
     * @param values {@code (B, H, P + T, d)}
     */
    public record CachedOutput(OnnxValue output, OnnxValue keys, OnnxValue values) {}

    /**
     * {@link MultiHeadAttention}'s forward: {@code softmax(Q Kᵀ / √d + M) V}, heads merged and projected; a masked
     * key gets exactly zero weight, and a query with no allowed key gets zero weights (output = the output bias).
     *
     * @param g the graph
     * @param name the block's name ({@code name/query/weight}, ...)
     * @param block the block
     * @param x queries {@code (B, T, D)}
     * @param context keys and values {@code (B, S, C)}, or {@code null} for self-attention
     * @param mask {@code null}, or {@code (B|1, T|1, S)} (non-zero where allowed)
     * @return {@code (B, T, D)}
     */
    public static OnnxValue attention(
            OnnxGraph g, String name, MultiHeadAttention block, OnnxValue x, OnnxValue context, OnnxValue mask) {
        OnnxValue c = context == null ? x : context;
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue q = heads(g, block, linear(g, "query", childLinear(block, "query"), x));
            OnnxValue k = heads(g, block, linear(g, "key", childLinear(block, "key"), c));
            OnnxValue v = heads(g, block, linear(g, "value", childLinear(block, "value"), c));
            return attend(g, block, q, k, v, mask);
        }
    }

    /**
     * {@link MultiHeadAttention#forwardWithCache}: self-attention of T new positions over the P cached ones and
     * themselves; the new keys and values are appended to the cache.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block
     * @param x the new positions {@code (B, T, D)}
     * @param mask {@code null} or {@code (B|1, T|1, P + T)} (e.g. {@link #causalMask(OnnxGraph, OnnxValue,
     *     OnnxValue)})
     * @param pastKeys {@code (B, H, P, d)} (P may be 0)
     * @param pastValues {@code (B, H, P, d)}
     * @return the output and the extended cache
     */
    public static CachedOutput attentionWithCache(
            OnnxGraph g,
            String name,
            MultiHeadAttention block,
            OnnxValue x,
            OnnxValue mask,
            OnnxValue pastKeys,
            OnnxValue pastValues) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue k = heads(g, block, linear(g, "key", childLinear(block, "key"), x));
            OnnxValue v = heads(g, block, linear(g, "value", childLinear(block, "value"), x));
            k = g.concat(2, pastKeys, k);
            v = g.concat(2, pastValues, v);
            OnnxValue q = heads(g, block, linear(g, "query", childLinear(block, "query"), x));
            return new CachedOutput(attend(g, block, q, k, v, mask), k, v);
        }
    }

    private static Linear childLinear(Block block, String name) {
        return (Linear) child(block, name);
    }

    /** {@code (B, L, D) -> (B, H, L, d)}. */
    private static OnnxValue heads(OnnxGraph g, MultiHeadAttention block, OnnxValue projected) {
        long h = block.getHeadCount();
        long d = block.getEmbeddingSize() / h;
        return g.transpose(g.reshape(projected, 0, 0, h, d), 0, 2, 1, 3);
    }

    private static OnnxValue attend(
            OnnxGraph g, MultiHeadAttention block, OnnxValue q, OnnxValue k, OnnxValue v, OnnxValue mask) {
        long d = block.getEmbeddingSize() / block.getHeadCount();
        OnnxValue scores = g.mul(g.matMul(q, g.transpose(k, 0, 1, 3, 2)), g.scalar((float) (1 / Math.sqrt(d))));
        OnnxValue weights;
        if (mask == null) {
            weights = g.softmax(scores, -1);
        } else {
            OnnxValue allowed = g.unsqueeze(g.cast(mask, OnnxType.BOOL), 1); // (B|1, 1, T|1, S)
            OnnxValue rowHasKey = g.reduceMax(g.cast(allowed, OnnxType.FLOAT), true, -1);
            OnnxValue open = g.op("Or", allowed, g.op("Equal", rowHasKey, g.scalar(0f)));
            OnnxValue masked = g.where(open, scores, g.scalar(Float.NEGATIVE_INFINITY));
            weights = g.mul(g.softmax(masked, -1), rowHasKey);
        }
        OnnxValue merged = g.reshape(g.transpose(g.matMul(weights, v), 0, 2, 1, 3), 0, 0, block.getEmbeddingSize());
        return linear(g, "output", childLinear(block, "output"), merged);
    }

    // ---- transformer ----

    /**
     * {@link TransformerLayer} (pre-LN): {@code x + SA(LN₁ x, mask)}, then {@code x + CA(LN_c x, context,
     * contextMask)} if it has cross-attention, then {@code x + W₂ GELU(W₁ LN₂ x + b₁) + b₂}.
     *
     * @param g the graph
     * @param name the layer's name
     * @param layer the layer
     * @param x {@code (B, T, D)}
     * @param mask {@code null} or {@code (B|1, T|1, T)}
     * @param context {@code (B, S, C)} for a cross-attention layer, else {@code null}
     * @param contextMask {@code null} or {@code (B, S)} (non-zero for a real context position)
     * @return {@code (B, T, D)}
     */
    public static OnnxValue transformerLayer(
            OnnxGraph g,
            String name,
            TransformerLayer layer,
            OnnxValue x,
            OnnxValue mask,
            OnnxValue context,
            OnnxValue contextMask) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue h = layerNorm(g, "attention_norm", (LayerNorm) child(layer, "attention_norm"), x);
            x = g.add(x, attention(g, "attention", (MultiHeadAttention) child(layer, "attention"), h, null, mask));
            if (layer.hasCrossAttention()) {
                if (context == null) {
                    throw new IllegalArgumentException("layer " + name + " has cross-attention: pass its context");
                }
                h = layerNorm(g, "cross_attention_norm", (LayerNorm) child(layer, "cross_attention_norm"), x);
                OnnxValue cm = contextMask == null ? null : paddingMask(g, contextMask);
                x = g.add(
                        x,
                        attention(
                                g,
                                "cross_attention",
                                (MultiHeadAttention) child(layer, "cross_attention"),
                                h,
                                context,
                                cm));
            }
            return mlp(g, layer, x);
        }
    }

    /**
     * {@link TransformerLayer#forwardWithCache}: the self-attention reads and extends the cache, the MLP runs on the
     * new positions. Layers without cross-attention only.
     *
     * @param g the graph
     * @param name the layer's name
     * @param layer the layer
     * @param x the new positions {@code (B, T, D)}
     * @param mask {@code null} or {@code (B|1, T|1, P + T)}
     * @param pastKeys {@code (B, H, P, d)}
     * @param pastValues {@code (B, H, P, d)}
     * @return the output and the layer's extended cache
     */
    public static CachedOutput transformerLayerWithCache(
            OnnxGraph g,
            String name,
            TransformerLayer layer,
            OnnxValue x,
            OnnxValue mask,
            OnnxValue pastKeys,
            OnnxValue pastValues) {
        if (layer.hasCrossAttention()) {
            throw new IllegalArgumentException(
                    "layer " + name + " has cross-attention; the cached form is for" + " layers without it");
        }
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue h = layerNorm(g, "attention_norm", (LayerNorm) child(layer, "attention_norm"), x);
            CachedOutput self = attentionWithCache(
                    g, "attention", (MultiHeadAttention) child(layer, "attention"), h, mask, pastKeys, pastValues);
            return new CachedOutput(mlp(g, layer, g.add(x, self.output())), self.keys(), self.values());
        }
    }

    private static OnnxValue mlp(OnnxGraph g, TransformerLayer layer, OnnxValue x) {
        OnnxValue h = layerNorm(g, "mlp_norm", (LayerNorm) child(layer, "mlp_norm"), x);
        h = gelu(g, linear(g, "mlp_in", (Linear) child(layer, "mlp_in"), h));
        return g.add(x, linear(g, "mlp_out", (Linear) child(layer, "mlp_out"), h));
    }

    /**
     * {@link TransformerStack}: its layers in turn, the mask and context passed to each.
     *
     * @param g the graph
     * @param name the stack's name (layers {@code name/layer_i})
     * @param stack the stack
     * @param x {@code (B, T, D)}
     * @param mask {@code null} or {@code (B|1, T|1, T)}
     * @param context {@code null}, or the context of cross-attention layers
     * @param contextMask {@code null} or {@code (B, S)}
     * @return {@code (B, T, D)}
     */
    public static OnnxValue transformerStack(
            OnnxGraph g,
            String name,
            TransformerStack stack,
            OnnxValue x,
            OnnxValue mask,
            OnnxValue context,
            OnnxValue contextMask) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            List<TransformerLayer> layers = stack.getLayers();
            for (int i = 0; i < layers.size(); i++) {
                x = transformerLayer(g, "layer_" + i, layers.get(i), x, mask, context, contextMask);
            }
            return x;
        }
    }

    // ---- embeddings ----

    /**
     * {@link PatchEmbedding}: a convolution with kernel = stride = p, then {@code (B, D, h, w) -> (B, h·w, D)}.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block
     * @param images {@code (B, C, H, W)}
     * @return {@code (B, N, D)}
     */
    public static OnnxValue patchEmbedding(OnnxGraph g, String name, PatchEmbedding block, OnnxValue images) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue grid = convolution(g, "projection", (Convolution) child(block, "projection"), images);
            return g.transpose(g.reshape(grid, 0, 0, -1), 0, 2, 1);
        }
    }

    /**
     * {@link ClassToken}: the learned token prepended to every sequence.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block
     * @param x {@code (B, N, D)}
     * @return {@code (B, N + 1, D)}
     */
    public static OnnxValue classToken(OnnxGraph g, String name, ClassToken block, OnnxValue x) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            NDArray token = parameter(block, "token");
            OnnxValue t = g.initializer("token", token);
            OnnxValue shape =
                    g.concat(0, g.dim(x, 0), g.ints(1, token.getShape().get(2)));
            return g.concat(1, g.op("Expand", t, shape), x);
        }
    }

    /**
     * {@link PositionalEmbedding}: {@code x + P[0:T]}.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block
     * @param x {@code (B, T, D)}
     * @return {@code (B, T, D)}
     */
    public static OnnxValue positionalEmbedding(OnnxGraph g, String name, PositionalEmbedding block, OnnxValue x) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue p = g.initializer("positions", parameter(block, "positions"));
            return g.add(x, g.slice(p, g.ints(0), g.dim(x, 1), g.ints(0)));
        }
    }

    /**
     * {@link PositionalEmbedding#forwardAt}: {@code x + P[offset : offset + T]}, for new positions after cached ones.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block
     * @param x {@code (B, T, D)}
     * @param offset a 1-D INT64 tensor of one element (e.g. {@code g.dim(pastKeys, 2)})
     * @return {@code (B, T, D)}
     */
    public static OnnxValue positionalEmbeddingAt(
            OnnxGraph g, String name, PositionalEmbedding block, OnnxValue x, OnnxValue offset) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            OnnxValue p = g.initializer("positions", parameter(block, "positions"));
            return g.add(x, g.slice(p, offset, g.add(offset, g.dim(x, 1)), g.ints(0)));
        }
    }

    /**
     * A token embedding table looked up by id (ONNX {@code Gather}); equals the one-hot product the blocks train
     * with.
     *
     * @param g the graph
     * @param name the table's initialiser name (within the current scope)
     * @param table {@code (V, D)}
     * @param ids INT64 ids, any shape
     * @return {@code ids.shape + (D)}
     */
    public static OnnxValue tokenEmbedding(OnnxGraph g, String name, NDArray table, OnnxValue ids) {
        return g.gather(g.initializer(name, table), ids, 0);
    }

    // ---- poolers ----

    /**
     * {@code ClsPooler}: the first token.
     *
     * @param g the graph
     * @param x {@code (B, T, D)}
     * @return {@code (B, D)}
     */
    public static OnnxValue clsPool(OnnxGraph g, OnnxValue x) {
        return g.gather(x, g.scalar(0L), 1);
    }

    /**
     * {@code EndOfTextPooler} with positions: row {@code positions[b]} of each sequence.
     *
     * @param g the graph
     * @param x {@code (B, T, D)}
     * @param positions {@code (B)} INT64
     * @return {@code (B, D)}
     */
    public static OnnxValue endOfTextPool(OnnxGraph g, OnnxValue x, OnnxValue positions) {
        OnnxValue index = g.unsqueeze(g.cast(positions, OnnxType.INT64), 1, 2); // (B, 1, 1)
        OnnxValue shape = g.concat(0, g.dim(x, 0), g.ints(1), g.dim(x, 2));
        OnnxValue picked = g.op("GatherElements", Map.of("axis", 1L), x, g.op("Expand", index, shape));
        return g.squeeze(picked, 1);
    }

    /**
     * {@code EndOfTextPooler} with ids: the position of each row's highest id (CLIP's end-of-text token), the first
     * one on ties.
     *
     * @param g the graph
     * @param x {@code (B, T, D)}
     * @param ids {@code (B, T)} INT64
     * @return {@code (B, D)}
     */
    public static OnnxValue endOfTextPoolByIds(OnnxGraph g, OnnxValue x, OnnxValue ids) {
        return endOfTextPool(g, x, g.op("ArgMax", Map.of("axis", 1L, "keepdims", 0L), ids));
    }

    /**
     * {@code MeanPooler}: the mean over all positions, or over the real ones.
     *
     * @param g the graph
     * @param x {@code (B, T, D)}
     * @param mask {@code null} or {@code (B, T)}, non-zero for a real token
     * @return {@code (B, D)}
     */
    public static OnnxValue meanPool(OnnxGraph g, OnnxValue x, OnnxValue mask) {
        if (mask == null) {
            return g.reduceMean(x, false, 1);
        }
        OnnxValue m = g.unsqueeze(g.cast(g.cast(mask, OnnxType.BOOL), OnnxType.FLOAT), 2); // (B, T, 1)
        OnnxValue count = g.op("Max", g.reduceSum(m, false, 1), g.scalar(1f)); // (B, 1)
        return g.div(g.reduceSum(g.mul(x, m), false, 1), count);
    }

    /**
     * {@link AttentionalPooler} (CoCa): n learned queries, layer-normed, attend to the layer-normed context.
     *
     * @param g the graph
     * @param name the block's name
     * @param block the block
     * @param context {@code (B, S, C)}
     * @param mask {@code null} or {@code (B, S)}, non-zero for a real position
     * @return {@code (B, n, D)}
     */
    public static OnnxValue attentionalPool(
            OnnxGraph g, String name, AttentionalPooler block, OnnxValue context, OnnxValue mask) {
        try (OnnxGraph.Scope s = g.scope(name)) {
            NDArray queries = parameter(block, "queries");
            OnnxValue shape = g.concat(
                    0,
                    g.dim(context, 0),
                    g.ints(queries.getShape().get(1), queries.getShape().get(2)));
            OnnxValue q = g.op("Expand", g.initializer("queries", queries), shape);
            q = layerNorm(g, "query_norm", (LayerNorm) child(block, "query_norm"), q);
            OnnxValue c = layerNorm(g, "context_norm", (LayerNorm) child(block, "context_norm"), context);
            return attention(
                    g,
                    "attention",
                    (MultiHeadAttention) child(block, "attention"),
                    q,
                    c,
                    mask == null ? null : paddingMask(g, mask));
        }
    }
}
