package dev.stoa.models.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.MultiHeadAttention;
import dev.stoa.nn.embed.FourierPositionalEncoding;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.transformer.TransformerStack;
import dev.stoa.nn.transformer.TwoWayAttentionLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * SAM (Kirillov et al. 2023, "Segment Anything"): an image encoder run once per image, a prompt encoder, and a
 * light mask decoder run once per prompt. With width D, grid G = S / p, M masks and K prompt points:
 *
 * <pre>
 * image encoder   E = LN(TransformerStack(PatchEmbed_p(GELU(Conv3x3(x))) + P))          (B, G², D)
 * prompt encoder  sparse[k] = [label ≠ -1] · FourierPE(c[k]) + T[label + 1]             (B, K, D)
 *                   T: not-a-point, negative point, positive point, box corner 1, box corner 2
 *                 dense = has_mask · Conv1x1(GELU(Conv2x2/2(GELU(Conv2x2/2(m))))) + (1 - has_mask) · no_mask
 * mask decoder    q = [iou token; M mask tokens; sparse]     (B, 1 + M + K, D), also its positional encoding P_q
 *                 k = E + dense                              (B, G², D), P_k = FourierPE(grid centres)
 *                 (q, k) = TwoWayAttentionLayer^L(q, k, P_q, P_k)
 *                 q = LN(q + Attn(q + P_q -> k + P_k))
 *                 U = GELU(ConvT2x2/2(GELU(ConvT2x2/2(k as (B, D, G, G)))) + F)     (B, D/8, 4G, 4G)
 *                   F = Conv1x1(GELU(Conv3x3(x))): high-resolution features of the image (SAM 2's addition to
 *                   SAM's decoder), only with {@code high_resolution: true} (S = 4G)
 *                   (each transposed convolution as a 1x1 convolution and a 2x2 depth-to-space shuffle)
 *                 masks[m] = MLP_m(q[1 + m]) · U                                      (B, M, 4G, 4G) logits
 *                 iou = σ(MLP_iou(q[0]))                                            (B, M)
 * </pre>
 *
 * <p>Inputs {@code [images (B, 3, S, S), points (B·P, K, 2) in [0, 1] as (x, y), labels (B·P, K) int64 in {-1, 0, 1, 2,
 * 3}, mask prompt (B·P, 1, 4G, 4G) in [0, 1], has_mask (B·P)]}, P prompts per image, image-major; outputs {@code
 * [mask logits (B·P, M, 4G, 4G), predicted IoU (B·P, M)]}. {@link #encode} and {@link #decode} split the two halves, so that a service encodes an image once
 * and decodes many prompts against it, as SAM's predictor does.
 */
final class Sam extends AbstractBlock {

    private static final byte VERSION = 1;
    /** The prompt types: not-a-point (padding), negative point, positive point, box corner 1, box corner 2. */
    static final int TYPES = 5;

    private final SamConfig config;
    private final Conv2d stem;
    private final PatchEmbedding patches;
    private final PositionalEmbedding positions;
    private final TransformerStack encoder;
    private final LayerNorm encoderNorm;
    private final FourierPositionalEncoding fourier;
    private final Parameter pointTypes;
    private final Parameter noMask;
    private final Conv2d maskDown1;
    private final Conv2d maskDown2;
    private final Conv2d maskOut;
    private final Parameter outputTokens;
    private final List<TwoWayAttentionLayer> layers = new ArrayList<>();
    private final MultiHeadAttention finalAttention;
    private final LayerNorm finalNorm;
    private final Conv2d upscale1;
    private final Conv2d upscale2;
    private final List<Linear[]> hypernetworks = new ArrayList<>();
    private final Conv2d highRes;
    private final Conv2d highResOut;
    private final Linear[] iouHead;

    Sam(SamConfig config) {
        super(VERSION);
        this.config = config;
        int d = config.width();
        int m = config.maskOutputs();
        stem = config.stemChannels() == 0
                ? null
                : addChildBlock(
                        "stem",
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .setFilters(config.stemChannels())
                                .build());
        patches = addChildBlock(
                "patches",
                PatchEmbedding.builder()
                        .setPatchSize(config.patchSize())
                        .setEmbeddingSize(d)
                        .build());
        positions = addChildBlock(
                "positions",
                PositionalEmbedding.builder()
                        .setMaxLength(config.grid() * config.grid())
                        .setEmbeddingSize(d)
                        .optInitialStd((float) (1 / Math.sqrt(d)))
                        .build());
        encoder = addChildBlock(
                "encoder",
                TransformerStack.builder()
                        .setLayerCount(config.encoderLayers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .build());
        encoderNorm = addChildBlock("encoder_norm", LayerNorm.builder().axis(2).build());
        fourier = addChildBlock(
                "fourier",
                FourierPositionalEncoding.builder().setEmbeddingSize(d).build());
        pointTypes = addParameter(Parameter.builder()
                .setName("point_types")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(TYPES, d))
                .optInitializer(new NormalInitializer(1f))
                .build());
        noMask = addParameter(Parameter.builder()
                .setName("no_mask")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, d, 1, 1))
                .optInitializer(new NormalInitializer(1f))
                .build());
        maskDown1 = addChildBlock("mask_down1", conv(2, 2, 4));
        maskDown2 = addChildBlock("mask_down2", conv(2, 2, 16));
        maskOut = addChildBlock("mask_out", conv(1, 1, d));
        outputTokens = addParameter(Parameter.builder()
                .setName("output_tokens")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1 + m, d))
                .optInitializer(new NormalInitializer(1f))
                .build());
        for (int l = 0; l < config.decoderLayers(); l++) {
            layers.add(addChildBlock(
                    "two_way" + l,
                    TwoWayAttentionLayer.builder()
                            .setEmbeddingSize(d)
                            .setHeadCount(config.heads())
                            .optMlpSize(4 * d)
                            .optSkipFirstPositions(l == 0)
                            .build()));
        }
        finalAttention = addChildBlock(
                "final_attention",
                MultiHeadAttention.builder()
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .build());
        finalNorm = addChildBlock("final_norm", LayerNorm.builder().axis(2).build());
        upscale1 = addChildBlock("upscale1", conv(1, 1, 4 * (d / 4)));
        upscale2 = addChildBlock("upscale2", conv(1, 1, 4 * (d / 8)));
        for (int k = 0; k < m; k++) {
            hypernetworks.add(mlp("hyper" + k, d, d / 8));
        }
        iouHead = mlp("iou_head", d, m);
        if (config.highResolution()) {
            highRes = addChildBlock(
                    "high_res",
                    Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1))
                            .setFilters(d / 8)
                            .build());
            highResOut = addChildBlock("high_res_out", conv(1, 1, d / 8));
        } else {
            highRes = null;
            highResOut = null;
        }
    }

    private static Conv2d conv(int kernel, int stride, int filters) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .setFilters(filters)
                .build();
    }

    /**
     * A transposed convolution of kernel 2, stride 2 (SAM's upscaling), as a 1x1 convolution to 4C channels and a
     * depth-to-space shuffle: each input pixel maps linearly to its own 2x2 output block, which is exactly what that
     * transposed convolution computes (DJL's PyTorch engine has no deconvolution). {@code (B, 4C, G, G) -> (B, C, 2G,
     * 2G)}, channel {@code 4c + 2dy + dx} to output pixel {@code (2y + dy, 2x + dx)} of channel c.
     */
    static NDArray depthToSpace(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1) / 4;
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(b, c, 2, 2, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(b, c, 2 * h, 2 * w);
    }

    /** SAM's 3-layer MLP: D -> D -> D -> out, ReLU between. */
    private Linear[] mlp(String name, int hidden, int out) {
        return new Linear[] {
            addChildBlock(name + "_1", Linear.builder().setUnits(hidden).build()),
            addChildBlock(name + "_2", Linear.builder().setUnits(hidden).build()),
            addChildBlock(name + "_3", Linear.builder().setUnits(out).build())
        };
    }

    SamConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList image = encode(ps, inputs.get(0), training);
        long images = inputs.get(0).getShape().get(0);
        long prompts = inputs.get(1).getShape().get(0);
        if (prompts != images) {
            // several prompts per image, image-major: each image's embedding serves its prompts
            image = repeat(image, prompts / images);
        }
        return decode(ps, image, inputs.get(1), inputs.get(2), inputs.get(3), inputs.get(4), training);
    }

    /** @return each array of an image's encoding repeated {@code times} along the batch, image-major */
    static NDList repeat(NDList image, long times) {
        NDList out = new NDList();
        for (NDArray a : image) {
            out.add(a.repeat(0, times));
        }
        return out;
    }

    /**
     * @param images {@code (B, 3, S, S)}, as {@code ImagePixels} makes them
     * @return {@code [the image embedding (B, G², D)]}, and with high-resolution features {@code F (B, D/8, 4G,
     *     4G)} second
     */
    NDList encode(ParameterStore ps, NDArray images, boolean training) {
        NDArray h = stem == null
                ? images
                : Activation.gelu(stem.forward(ps, new NDList(images), training).head());
        h = patches.forward(ps, new NDList(h), training).head();
        h = positions.forward(ps, new NDList(h), training).head();
        h = encoder.forward(ps, new NDList(h), training).head();
        NDArray e = encoderNorm.forward(ps, new NDList(h), training).head();
        if (highRes == null) {
            return new NDList(e);
        }
        NDArray f = Activation.gelu(
                highRes.forward(ps, new NDList(images), training).head());
        return new NDList(e, highResOut.forward(ps, new NDList(f), training).head());
    }

    /**
     * @param image {@code [embedding (B, G², D), high-resolution features?]} from {@link #encode}
     * @param points {@code (B, K, 2)} in [0, 1]
     * @param labels {@code (B, K)} int64: -1 not a point, 0 negative, 1 positive, 2 and 3 the box's corners
     * @param maskPrompt {@code (B, 1, 4G, 4G)} in [0, 1]
     * @param hasMask {@code (B)}: 1 where the mask prompt is given, 0 for the "no mask" embedding
     * @return {@code [mask logits (B, M, 4G, 4G), predicted IoU (B, M)]}
     */
    NDList decode(
            ParameterStore ps,
            NDList image,
            NDArray points,
            NDArray labels,
            NDArray maskPrompt,
            NDArray hasMask,
            boolean training) {
        int d = config.width();
        int g = config.grid();
        int m = config.maskOutputs();
        NDArray embedding = image.get(0);
        long b = embedding.getShape().get(0);
        NDManager nd = embedding.getManager();

        // prompt encoder: sparse tokens
        NDArray isPoint = labels.gte(0).toType(DataType.FLOAT32, false).expandDims(2);
        NDArray types = ps.getValue(pointTypes, embedding.getDevice(), training);
        NDArray oneHot = labels.add(1).oneHot(TYPES).toType(DataType.FLOAT32, false);
        NDArray sparse = fourier.encode(ps, points, training).mul(isPoint).add(oneHot.matMul(types));

        // prompt encoder: dense (a coarse mask, or "no mask")
        NDArray dm = Activation.gelu(
                maskDown1.forward(ps, new NDList(maskPrompt), training).head());
        dm = Activation.gelu(maskDown2.forward(ps, new NDList(dm), training).head());
        dm = maskOut.forward(ps, new NDList(dm), training).head();
        NDArray has = hasMask.toType(DataType.FLOAT32, false).reshape(b, 1, 1, 1);
        NDArray none = ps.getValue(noMask, embedding.getDevice(), training);
        NDArray dense = dm.mul(has).add(has.neg().add(1f).mul(none));
        NDArray k = embedding.add(dense.reshape(b, d, (long) g * g).transpose(0, 2, 1));

        // mask decoder
        NDArray tokens = ps.getValue(outputTokens, embedding.getDevice(), training);
        NDArray queryPe = nd.zeros(new Shape(b, 1 + m, d)).add(tokens).concat(sparse, 1);
        NDArray keyPe = fourier.grid(ps, nd, g, g).expandDims(0);
        NDArray q = queryPe;
        for (TwoWayAttentionLayer layer : layers) {
            NDList out = layer.forward(ps, new NDList(q, k, queryPe, keyPe), training);
            q = out.get(0);
            k = out.get(1);
        }
        NDArray a = finalAttention
                .forward(ps, new NDList(q.add(queryPe), k.add(keyPe)), training)
                .head();
        q = finalNorm.forward(ps, new NDList(q.add(a)), training).head();

        NDArray up = k.transpose(0, 2, 1).reshape(b, d, g, g);
        up = Activation.gelu(
                depthToSpace(upscale1.forward(ps, new NDList(up), training).head()));
        up = Activation.gelu(
                depthToSpace(upscale2.forward(ps, new NDList(up), training).head()));
        int side = config.maskSize();
        NDArray flat = up.reshape(b, d / 8, (long) side * side);
        NDList hyper = new NDList();
        for (int i = 0; i < m; i++) {
            hyper.add(mlp(ps, hypernetworks.get(i), q.get(":, " + (1 + i) + ", :"), training));
        }
        NDArray weights = NDArrays.stack(hyper, 1);
        NDArray masks = weights.matMul(flat).reshape(b, m, side, side);
        NDArray iou = Activation.sigmoid(mlp(ps, iouHead, q.get(":, 0, :"), training));
        return new NDList(masks, iou);
    }

    private static NDArray mlp(ParameterStore ps, Linear[] layers, NDArray x, boolean training) {
        NDArray h = x;
        for (int i = 0; i < layers.length; i++) {
            h = layers[i].forward(ps, new NDList(h), training).head();
            if (i < layers.length - 1) {
                h = Activation.relu(h);
            }
        }
        return h;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        long b = in[1].get(0);
        int side = config.maskSize();
        return new Shape[] {new Shape(b, config.maskOutputs(), side, side), new Shape(b, config.maskOutputs())};
    }

    /** @return the input shapes for a batch of one with K prompt points */
    Shape[] inputShapes(int k) {
        int s = config.imageSize();
        int side = config.maskSize();
        return new Shape[] {
            new Shape(1, 3, s, s), new Shape(1, k, 2), new Shape(1, k), new Shape(1, 1, side, side), new Shape(1)
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        int d = config.width();
        int g = config.grid();
        int m = config.maskOutputs();
        long b = in[0].get(0);
        long kk = in[1].get(1);
        Shape stemOut = in[0];
        if (stem != null) {
            stem.initialize(manager, dataType, in[0]);
            stemOut = stem.getOutputShapes(new Shape[] {in[0]})[0];
        }
        patches.initialize(manager, dataType, stemOut);
        Shape tokens = new Shape(b, (long) g * g, d);
        positions.initialize(manager, dataType, tokens);
        encoder.initialize(manager, dataType, tokens);
        encoderNorm.initialize(manager, dataType, tokens);
        fourier.initialize(manager, dataType, in[1]);
        maskDown1.initialize(manager, dataType, in[3]);
        Shape s1 = maskDown1.getOutputShapes(new Shape[] {in[3]})[0];
        maskDown2.initialize(manager, dataType, s1);
        Shape s2 = maskDown2.getOutputShapes(new Shape[] {s1})[0];
        maskOut.initialize(manager, dataType, s2);
        Shape q = new Shape(b, 1 + m + kk, d);
        for (TwoWayAttentionLayer layer : layers) {
            layer.initialize(manager, dataType, q, tokens, q, new Shape(1, (long) g * g, d));
        }
        finalAttention.initialize(manager, dataType, q, tokens);
        finalNorm.initialize(manager, dataType, q);
        Shape grid = new Shape(b, d, g, g);
        upscale1.initialize(manager, dataType, grid);
        Shape u1 = new Shape(b, d / 4, 2L * g, 2L * g);
        upscale2.initialize(manager, dataType, u1);
        Shape token = new Shape(b, d);
        for (Linear[] h : hypernetworks) {
            initMlp(manager, dataType, h, token);
        }
        initMlp(manager, dataType, iouHead, token);
        if (highRes != null) {
            highRes.initialize(manager, dataType, in[0]);
            Shape f = highRes.getOutputShapes(new Shape[] {in[0]})[0];
            highResOut.initialize(manager, dataType, f);
        }
    }

    private static void initMlp(NDManager manager, DataType dataType, Linear[] layers, Shape in) {
        Shape s = in;
        for (Linear l : layers) {
            l.initialize(manager, dataType, s);
            s = l.getOutputShapes(new Shape[] {s})[0];
        }
    }
}
