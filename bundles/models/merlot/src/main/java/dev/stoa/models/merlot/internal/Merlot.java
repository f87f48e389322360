package dev.stoa.models.merlot.internal;

import ai.djl.ndarray.NDArray;
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
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.heads.MaskedTokenHead;
import dev.stoa.nn.image.NarrowOutputs;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;

/**
 * MERLOT (Zellers et al. 2021, "MERLOT: Multimodal Neural Script Knowledge Models"): a frame encoder, then ONE joint
 * transformer over the tokens of every frame and the transcript, with time embeddings that say which frame a token
 * belongs to. At this size:
 *
 * <pre>
 * v_k  = FrameTransformer([c ; PatchEmbedding_p(GELU(Conv3x3(GELU(Conv3x3(frame_k))))) + P_patch])
 *        + E_time[τ_k] + s_image                     each frame encoded alone, c its learned [CLS]     (B, F, 1+N, D)
 *        τ_k = k; for a shuffled clip τ_s = unknown_s, one per input slot (the paper's [UNK] times for reordering)
 * e    = E[w] + P_text + E_time[segment] + s_text     F transcript segments of L ids + one clip-level segment (B, (F+1)L, D)
 * h    = LN(Transformer(LN([v ; e]), M))             M: frame tokens attend to frame tokens only; text attends to all
 * f_k  = W_f h[frame k, CLS]                         a frame's pooled embedding                           (B·F, D)
 * t_m  = W_t LN(Transformer(LN(e_m)))[CLS]           a transcript sentence, read alone by the same transformer (M, D)
 * Z    = MaskedTokenHead(h[text])                     masked words                                         (B, (F+1)L, V)
 * m_ij = flatten(W_z u_j) - flatten(W_z u_i)        u_k = frame k's patch tokens out of the frame encoder: the motion map (B·P, N·k)
 * g_ij = GELU(W_1 [h̄_i ; h̄_j ; m_ij])               h̄_k = h[frame k, CLS]; pair (i < j)
 * O_ij = W_2 GELU(W_3 [g_ij ; mean_p g_p])           logits of "frame in slot i comes before slot j" (B·P, 2)
 *        (motion_channels = 0: O_ij = W_2 GELU(W_1 [h̄_i ; h̄_j]), versions saved before the motion map)
 * </pre>
 *
 * <p>The frame tokens never see the text (M), so a frame's embedding {@code f_k} for the contrastive term carries no
 * copy of its own sentence, and the frames-only order needs no transcript.
 *
 * <p>Inputs {@code [frames (B, F, 3, S, S), ids (B, (F+1)L) int64, frame times (B, F) int64, sentences (M, L) int64,
 * rest...]}; outputs {@code [f (B·F, D), t (M, D), Z, O (B·P, 2), rest...]}: further inputs (the trainer's labels)
 * are passed through.
 */
final class Merlot extends AbstractBlock {

    private static final byte VERSION = 1;

    private final MerlotConfig config;
    private final int vocabularySize;
    private final Parameter tokenEmbedding;
    private final Parameter segments;
    private final Parameter times;
    private final Parameter frameToken;
    private final Conv2d stem;
    private final Conv2d stem2;
    private final PatchEmbedding patches;
    private final PositionalEmbedding patchPositions;
    private final PositionalEmbedding textPositions;
    private final LayerNorm embeddingNorm;
    private final TransformerStack frameEncoder;
    private final TransformerStack transformer;
    private final LayerNorm finalNorm;
    private final MaskedTokenHead tokenHead;
    private final Linear frameProjection;
    private final Linear textProjection;
    private final Linear orderHidden;
    private final Linear orderOutput;
    /** The order head's motion map and clip context (null when {@code motion_channels} is 0). */
    private final Linear motionProjection;

    private final Linear orderContext;
    /** The order head's keypoint maps, one 1x1 convolution of the stem (null when {@code keypoints} is 0). */
    private final Conv2d keypointMaps;

    /**
     * @param config the variant
     * @param vocabularySize V
     */
    Merlot(MerlotConfig config, int vocabularySize) {
        super(VERSION);
        this.config = config;
        this.vocabularySize = vocabularySize;
        int d = config.width();
        tokenEmbedding = addParameter(weight("token_embedding", new Shape(vocabularySize, d)));
        // row 0: text, row 1: image (BERT's token types)
        segments = addParameter(weight("segment_embedding", new Shape(2, d)));
        // rows 0..F-1: the frames' times; F..2F-1: unknown times, one per input slot of a shuffled clip (the paper's
        // [UNK]s: they tell the frames apart but say nothing of their order); 2F: the clip-level text segment
        times = addParameter(weight("time_embedding", new Shape(2L * config.frames() + 1, d)));
        // each frame's own [CLS]: its pooled embedding is read there (the paper's per-frame CLS of the image encoder)
        frameToken = addParameter(weight("frame_token", new Shape(1, 1, d)));
        stem = addChildBlock("stem", conv(config.stemChannels()));
        stem2 = addChildBlock("stem2", conv(config.stemChannels()));
        patches = addChildBlock(
                "patches",
                PatchEmbedding.builder()
                        .setPatchSize(config.patchSize())
                        .setEmbeddingSize(d)
                        .build());
        patchPositions = addChildBlock("patch_positions", positions(config.patches(), d));
        textPositions = addChildBlock("text_positions", positions(config.textLength(), d));
        // the frame encoder's own transformer: each frame alone, its [CLS] reading its patches (the paper's image
        // encoder is a ViT per frame, whose CLS the contrastive term uses)
        frameEncoder = addChildBlock(
                "frame_encoder",
                TransformerStack.builder()
                        .setLayerCount(config.frameLayers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .build());
        embeddingNorm =
                addChildBlock("embedding_norm", LayerNorm.builder().axis(2).build());
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(config.layers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .build());
        finalNorm = addChildBlock("final_norm", LayerNorm.builder().axis(2).build());
        tokenHead = addChildBlock("mlm_head", MaskedTokenHead.of(d, vocabularySize));
        frameProjection =
                addChildBlock("frame_projection", Linear.builder().setUnits(d).build());
        textProjection =
                addChildBlock("text_projection", Linear.builder().setUnits(d).build());
        orderHidden = addChildBlock("order_hidden", Linear.builder().setUnits(d).build());
        orderOutput = addChildBlock("order_output", Linear.builder().setUnits(2).build());
        if (config.motionChannels() > 0) {
            motionProjection = addChildBlock(
                    "motion_projection",
                    Linear.builder().setUnits(config.motionChannels()).build());
            orderContext =
                    addChildBlock("order_context", Linear.builder().setUnits(d).build());
        } else {
            motionProjection = null;
            orderContext = null;
        }
        keypointMaps = config.keypoints() > 0
                ? addChildBlock(
                        "keypoint_maps",
                        Conv2d.builder()
                                .setKernelShape(new Shape(1, 1))
                                // whole oneDNN blocks, the first K kept: fewer outputs give NaN gradients now and then
                                .setFilters(NarrowOutputs.filters(config.keypoints()))
                                .build())
                : null;
    }

    private static Parameter weight(String name, Shape shape) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(shape)
                .optInitializer(new NormalInitializer(0.02f))
                .build();
    }

    private static Conv2d conv(int channels) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(channels)
                .build();
    }

    private static PositionalEmbedding positions(int length, int d) {
        return PositionalEmbedding.builder()
                .setMaxLength(length)
                .setEmbeddingSize(d)
                .optInitialStd(0.02f)
                .build();
    }

    MerlotConfig config() {
        return config;
    }

    int vocabularySize() {
        return vocabularySize;
    }

    /** @return the time id of the frame in input slot {@code slot} of a shuffled clip */
    int unknownTime(int slot) {
        return config.frames() + slot;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray frames = inputs.get(0);
        NDArray ids = inputs.get(1);
        NDArray frameTimes = inputs.get(2);
        NDArray sentences = inputs.get(3);
        NDManager m = ids.getManager();
        long b = frames.getShape().get(0);
        int f = config.frames();
        int n = config.patches();
        int l = config.textLength();
        int d = config.width();
        NDArray segment = ps.getValue(segments, ids.getDevice(), training);
        NDArray time = ps.getValue(times, ids.getDevice(), training);

        // frames: conv stem, patches, patch positions, then each frame's time and the image segment
        NDArray x = frames.reshape(b * f, 3, config.imageSize(), config.imageSize());
        x = Activation.gelu(stem.forward(ps, new NDList(x), training, params).head());
        x = Activation.gelu(stem2.forward(ps, new NDList(x), training, params).head());
        NDArray keypoints = keypointMaps == null ? null : keypoints(ps, x, b, training, params);
        x = patches.forward(ps, new NDList(x), training, params).head();
        x = patchPositions.forward(ps, new NDList(x), training, params).head();
        // one-hot (B, F, 2F+1) @ E_time: starts from the batch, so the result lives in the batch's manager
        NDArray frameTime =
                frameTimes.oneHot(2 * f + 1).toType(DataType.FLOAT32, false).matMul(time);
        NDArray cls = ps.getValue(frameToken, ids.getDevice(), training);
        NDArray tokensPerFrame = m.zeros(new Shape(b * f, 1, d)).add(cls).concat(x, 1);
        tokensPerFrame = frameEncoder
                .forward(ps, new NDList(tokensPerFrame), training, params)
                .head();
        NDArray visual = tokensPerFrame
                .reshape(b, f, n + 1, d)
                .add(frameTime.expandDims(2))
                .add(segment.get(1))
                .reshape(b, (long) f * (n + 1), d);

        // text: F transcript segments and the clip-level one, each with its time
        NDArray text =
                embedText(ps, ids.reshape(b * (f + 1), l), training, params).reshape(b, f + 1, l, d);
        long[] segmentTimes = new long[f + 1];
        for (int k = 0; k < f; k++) {
            segmentTimes[k] = k;
        }
        segmentTimes[f] = 2L * f;
        NDArray textTime = m.create(segmentTimes)
                .oneHot(2 * f + 1)
                .toType(DataType.FLOAT32, false)
                .matMul(time);
        text = text.add(textTime.expandDims(1)).reshape(b, (long) (f + 1) * l, d);

        int visualLength = f * (n + 1);
        int total = visualLength + (f + 1) * l;
        NDArray joint = embeddingNorm
                .forward(ps, new NDList(visual.concat(text, 1)), training, params)
                .head();
        // frame tokens attend to frame tokens only; text tokens attend to everything
        NDArray positions = m.arange(total);
        NDArray mask = positions
                .reshape(total, 1)
                .gte(visualLength)
                .logicalOr(positions.reshape(1, total).lt(visualLength))
                .reshape(1, total, total);
        NDArray h = transformer
                .forward(ps, new NDList(joint, mask), training, params)
                .head();
        h = finalNorm.forward(ps, new NDList(h), training, params).head();

        NDArray pooled =
                h.get(":, :" + visualLength + ", :").reshape(b, f, n + 1, d).get(":, :, 0, :");
        NDArray frameEmbedding = frameProjection
                .forward(ps, new NDList(pooled.reshape(b * f, d)), training, params)
                .head();
        NDArray tokens = tokenHead
                .forward(ps, new NDList(h.get(":, " + visualLength + ":, :")), training, params)
                .head();

        // pairs (i < j) of slots: one-hot selections (P, F) @ (B, F, D) -> (B, P, D)
        int[][] pairs = FrameOrder.pairs(f);
        float[] first = new float[pairs.length * f];
        float[] second = new float[pairs.length * f];
        for (int p = 0; p < pairs.length; p++) {
            first[p * f + pairs[p][0]] = 1;
            second[p * f + pairs[p][1]] = 1;
        }
        NDArray firstOfPair = m.create(first, new Shape(pairs.length, f));
        NDArray secondOfPair = m.create(second, new Shape(pairs.length, f));
        NDArray pi = firstOfPair.matMul(pooled);
        NDArray pj = secondOfPair.matMul(pooled);
        NDArray pair = pi.concat(pj, 2);
        if (motionProjection != null) {
            // the motion map: each frame's patch tokens (from the frame encoder, before any time) projected to k
            // channels and flattened by place, then frame j's minus frame i's: where the shape left and where it went
            NDArray z = motionProjection
                    .forward(ps, new NDList(tokensPerFrame.get(":, 1:, :")), training, params)
                    .head()
                    .reshape(b, f, (long) n * config.motionChannels());
            pair = pair.concat(secondOfPair.matMul(z).sub(firstOfPair.matMul(z)), 2);
        }
        if (keypoints != null) {
            // where each keypoint is in both frames, and how far it moved
            NDArray ki = firstOfPair.matMul(keypoints);
            NDArray kj = secondOfPair.matMul(keypoints);
            pair = pair.concat(ki, 2).concat(kj, 2).concat(kj.sub(ki), 2);
        }
        pair = Activation.gelu(orderHidden
                .forward(ps, new NDList(pair.reshape(b * pairs.length, -1)), training, params)
                .head());
        if (orderContext != null) {
            // the clip's context: the mean of its pairs' features (the direction the cross-colour pairs show), beside
            // each pair's own
            NDArray g = pair.reshape(b, pairs.length, d);
            NDArray context = g.mean(new int[] {1}, true).broadcast(g.getShape());
            pair = Activation.gelu(orderContext
                    .forward(ps, new NDList(g.concat(context, 2).reshape(b * pairs.length, 2L * d)), training, params)
                    .head());
        }
        NDArray order =
                orderOutput.forward(ps, new NDList(pair), training, params).head();

        NDArray sentenceEmbedding = encodeSentences(ps, sentences, training, params);
        NDList out = new NDList(frameEmbedding, sentenceEmbedding, tokens, order);
        for (int i = 4; i < inputs.size(); i++) {
            out.add(inputs.get(i));
        }
        return out;
    }

    /** The order head's keypoints of a batch's frames: {@code (B·F, C, S, S) -> (B, F, 2K)}. */
    private NDArray keypoints(
            ParameterStore ps, NDArray features, long b, boolean training, PairList<String, Object> params) {
        NDArray maps = NarrowOutputs.kept(
                keypointMaps.forward(ps, new NDList(features), training, params).head(), config.keypoints());
        return softArgmax(maps, config.imageSize()).reshape(b, config.frames(), 2L * config.keypoints());
    }

    /**
     * A spatial soft-argmax: each of K maps a softmax over its pixels, and the map's expected x and y, pixel centres at
     * {@code (2i + 1) / S - 1} in [-1, 1].
     *
     * @param maps logits {@code (R, K, S, S)}
     * @param side S
     * @return {@code (R, K, 2)}: x, y of each map
     */
    static NDArray softArgmax(NDArray maps, int side) {
        long rows = maps.getShape().get(0);
        long k = maps.getShape().get(1);
        float[] grid = new float[side * side * 2];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                grid[(y * side + x) * 2] = (2f * x + 1) / side - 1;
                grid[(y * side + x) * 2 + 1] = (2f * y + 1) / side - 1;
            }
        }
        NDArray coordinates = maps.getManager().create(grid, new Shape((long) side * side, 2));
        return maps.reshape(rows, k, (long) side * side).softmax(-1).matMul(coordinates);
    }

    /** Word embedding + text position + text segment, {@code (R, L) -> (R, L, D)}. */
    private NDArray embedText(ParameterStore ps, NDArray ids, boolean training, PairList<String, Object> params) {
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        NDArray segment = ps.getValue(segments, ids.getDevice(), training);
        NDArray e =
                ids.oneHot(vocabularySize).toType(table.getDataType(), false).matMul(table);
        return textPositions.forward(ps, new NDList(e), training, params).head().add(segment.get(0));
    }

    /** A sentence read alone by the joint transformer (MERLOT's transcript side of the contrastive term). */
    private NDArray encodeSentences(
            ParameterStore ps, NDArray sentences, boolean training, PairList<String, Object> params) {
        NDArray e = embedText(ps, sentences, training, params);
        e = embeddingNorm.forward(ps, new NDList(e), training, params).head();
        NDArray h = transformer.forward(ps, new NDList(e), training, params).head();
        h = finalNorm.forward(ps, new NDList(h), training, params).head();
        return textProjection
                .forward(ps, new NDList(h.get(":, 0, :")), training, params)
                .head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        int s = config.imageSize();
        int f = config.frames();
        int l = config.textLength();
        if (in.length < 4
                || !in[0].equals(new Shape(in[0].get(0), f, 3, s, s))
                || !in[1].equals(new Shape(in[0].get(0), (long) (f + 1) * l))
                || !in[2].equals(new Shape(in[0].get(0), f))
                || in[3].dimension() != 2
                || in[3].get(1) != l) {
            throw new IllegalArgumentException("MERLOT takes [frames (B, " + f + ", 3, " + s + ", " + s + "), ids (B, "
                    + (f + 1) * l + "), frame times (B, " + f + "), sentences (M, " + l + "), ...], got "
                    + Arrays.toString(in));
        }
        long b = in[0].get(0);
        int d = config.width();
        Shape[] out = new Shape[in.length];
        out[0] = new Shape(b * f, d);
        out[1] = new Shape(in[3].get(0), d);
        out[2] = new Shape(b, (long) (f + 1) * l, vocabularySize);
        out[3] = new Shape(b * config.pairs(), 2);
        System.arraycopy(in, 4, out, 4, in.length - 4);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
        long b = in[0].get(0);
        int f = config.frames();
        int d = config.width();
        int s = config.imageSize();
        Shape frame = new Shape(b * f, 3, s, s);
        stem.initialize(manager, dataType, frame);
        Shape features = stem.getOutputShapes(new Shape[] {frame})[0];
        stem2.initialize(manager, dataType, features);
        patches.initialize(manager, dataType, features);
        patchPositions.initialize(manager, dataType, new Shape(b * f, config.patches(), d));
        textPositions.initialize(manager, dataType, new Shape(b * (f + 1), config.textLength(), d));
        Shape x = new Shape(b, (long) f * (config.patches() + 1) + (long) (f + 1) * config.textLength(), d);
        embeddingNorm.initialize(manager, dataType, x);
        frameEncoder.initialize(manager, dataType, new Shape(b * f, config.patches() + 1, d));
        transformer.initialize(manager, dataType, x);
        finalNorm.initialize(manager, dataType, x);
        tokenHead.initialize(manager, dataType, new Shape(b, (long) (f + 1) * config.textLength(), d));
        frameProjection.initialize(manager, dataType, new Shape(b * f, d));
        textProjection.initialize(manager, dataType, new Shape(b * f, d));
        long motion = (long) config.motionChannels() * config.patches() + 6L * config.keypoints();
        orderHidden.initialize(manager, dataType, new Shape(b * config.pairs(), 2L * d + motion));
        if (motionProjection != null) {
            motionProjection.initialize(manager, dataType, new Shape(b * f, config.patches(), d));
            orderContext.initialize(manager, dataType, new Shape(b * config.pairs(), 2L * d));
        }
        if (keypointMaps != null) {
            keypointMaps.initialize(manager, dataType, features);
        }
        orderOutput.initialize(manager, dataType, new Shape(b * config.pairs(), d));
    }
}
