package dev.stoa.models.simvlm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;

/**
 * SimVLM (Wang et al. 2021, "SimVLM: Simple Visual Language Model Pretraining with Weak Supervision"): an
 * encoder-decoder transformer trained with one prefix language modelling loss. The encoder reads the image's patch
 * tokens (from a convolutional stage, the paper's first ResNet stages) and a text prefix bidirectionally; the decoder
 * writes the rest of the text causally, cross-attending to the encoder:
 *
 * <pre>
 * f    = PatchEmbedding_p(GELU(Conv3x3/2(GELU(Conv3x3(image)))))     image tokens        (B, N, D), N = (S/2p)²
 * v    = f + P_image + s_image
 * u    = E[prefix] + P_prefix + s_text                                text prefix          (B, T-2, D)
 * keep = [shown (B, N) ; prefix != PAD]                               text-only rows: no image token kept
 * m    = LN(Encoder([v ; u], padding(keep)))                          bidirectional over the kept tokens
 * h    = LN(Decoder(E[ids] + P_dec, causal, context m, contextMask keep))   causal self-, cross-attention
 * Z    = h Eᵀ                                                         logits (B, T, V), embedding tied
 * </pre>
 *
 * <p>Inputs {@code [image (B, 3, S, S), prefix (B, T-2) int64, shown (B) float, decoder ids (B, T) int64, rest...]};
 * outputs {@code [Z, rest...]}: the targets passed through, so the {@code captioning} loss (shift off, ignore id 0)
 * gets {@code [Z, targets]}.
 */
final class SimVlm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final SimVlmConfig config;
    private final int vocabularySize;
    private final Parameter tokenEmbedding;
    private final Parameter segments;
    private final Conv2d stem;
    private final Conv2d stem2;
    private final PatchEmbedding patches;
    private final PositionalEmbedding imagePositions;
    private final PositionalEmbedding prefixPositions;
    private final PositionalEmbedding decoderPositions;
    private final TransformerStack encoder;
    private final LayerNorm encoderNorm;
    private final TransformerStack decoder;
    private final LayerNorm decoderNorm;

    /**
     * @param config the variant
     * @param vocabularySize V, special tokens and words
     */
    SimVlm(SimVlmConfig config, int vocabularySize) {
        super(VERSION);
        this.config = config;
        this.vocabularySize = vocabularySize;
        int d = config.width();
        tokenEmbedding = addParameter(Parameter.builder()
                .setName("token_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, d))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        // row 0: text, row 1: image
        segments = addParameter(Parameter.builder()
                .setName("segment_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(2, d))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        stem = addChildBlock(
                "stem",
                Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(config.stemChannels())
                        .build());
        stem2 = addChildBlock(
                "stem2",
                Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .optStride(new Shape(2, 2))
                        .setFilters(config.stemChannels())
                        .build());
        patches = addChildBlock(
                "patches",
                PatchEmbedding.builder()
                        .setPatchSize(config.patchSize())
                        .setEmbeddingSize(d)
                        .build());
        imagePositions = addChildBlock("image_positions", positions(config.patches(), d));
        prefixPositions = addChildBlock("prefix_positions", positions(config.maxWords(), d));
        decoderPositions = addChildBlock("decoder_positions", positions(config.textLength(), d));
        encoder = addChildBlock(
                "encoder",
                TransformerStack.builder()
                        .setLayerCount(config.encoderLayers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .build());
        encoderNorm = addChildBlock("encoder_norm", LayerNorm.builder().axis(2).build());
        decoder = addChildBlock(
                "decoder",
                TransformerStack.builder()
                        .setLayerCount(config.decoderLayers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .optCrossAttention(true)
                        .build());
        decoderNorm = addChildBlock("decoder_norm", LayerNorm.builder().axis(2).build());
    }

    private static PositionalEmbedding positions(int length, int d) {
        return PositionalEmbedding.builder()
                .setMaxLength(length)
                .setEmbeddingSize(d)
                .optInitialStd(0.02f)
                .build();
    }

    /** @return the variant */
    SimVlmConfig config() {
        return config;
    }

    /** @return V */
    int vocabularySize() {
        return vocabularySize;
    }

    /** The encoder's output and which of its positions the decoder may read. */
    record Memory(NDArray states, NDArray keep) {}

    /**
     * The encoder: image tokens and the text prefix, bidirectional over the kept ones.
     *
     * @param image {@code (B, 3, S, S)}
     * @param prefix {@code (B, T-2)} ids, PAD after the prefix
     * @param shown {@code (B)}: 1 to read the image, 0 for a text-only row (its image tokens are masked out)
     * @return the states {@code (B, N + T - 2, D)} and keep {@code (B, N + T - 2)} boolean
     */
    Memory encode(ParameterStore ps, NDArray image, NDArray prefix, NDArray shown, boolean training) {
        NDArray table = ps.getValue(tokenEmbedding, prefix.getDevice(), training);
        NDArray segment = ps.getValue(segments, prefix.getDevice(), training);
        NDArray features =
                Activation.gelu(stem.forward(ps, new NDList(image), training).head());
        features = Activation.gelu(
                stem2.forward(ps, new NDList(features), training).head());
        NDArray visual = patches.forward(ps, new NDList(features), training).head();
        visual = imagePositions.forward(ps, new NDList(visual), training).head().add(segment.get(1));
        NDArray text = embed(prefix, table);
        text = prefixPositions.forward(ps, new NDList(text), training).head().add(segment.get(0));
        long b = prefix.getShape().get(0);
        NDArray imageKeep =
                shown.toType(DataType.FLOAT32, false).reshape(b, 1).broadcast(new Shape(b, config.patches()));
        NDArray keep = imageKeep
                .concat(prefix.neq(SpecialTokens.PAD).toType(DataType.FLOAT32, false), 1)
                .gt(0.5f);
        NDArray h = encoder.forward(ps, new NDList(visual.concat(text, 1), AttentionMasks.padding(keep)), training)
                .head();
        return new Memory(encoderNorm.forward(ps, new NDList(h), training).head(), keep);
    }

    /**
     * The decoder: causal self-attention over its ids, cross-attention to the kept encoder positions.
     *
     * @param memory the encoder's output
     * @param ids {@code (B, t)}, t at most T, starting with START
     * @return logits {@code (B, t, V)}: position j predicts id j + 1
     */
    NDArray decode(ParameterStore ps, Memory memory, NDArray ids, boolean training) {
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        NDArray x = embed(ids, table);
        x = decoderPositions.forward(ps, new NDList(x), training).head();
        int t = (int) ids.getShape().get(1);
        NDArray causal = AttentionMasks.causal(ids.getManager(), t);
        NDArray h = decoder.forward(ps, new NDList(x, causal, memory.states(), memory.keep()), training)
                .head();
        h = decoderNorm.forward(ps, new NDList(h), training).head();
        return h.matMul(table.transpose());
    }

    private NDArray embed(NDArray ids, NDArray table) {
        // one-hot (B, T, V) @ E (V, D): starts from the batch, so the result lives in the batch's manager
        return ids.oneHot(vocabularySize).toType(table.getDataType(), false).matMul(table);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        Memory memory = encode(ps, inputs.get(0), inputs.get(1), inputs.get(2), training);
        NDList out = new NDList(decode(ps, memory, inputs.get(3), training));
        for (int i = 4; i < inputs.size(); i++) {
            out.add(inputs.get(i));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        int s = config.imageSize();
        if (in.length < 4
                || in[0].dimension() != 4
                || in[0].get(1) != 3
                || in[0].get(2) != s
                || in[0].get(3) != s
                || !in[1].equals(new Shape(in[0].get(0), config.maxWords()))
                || !in[2].equals(new Shape(in[0].get(0)))
                || in[3].dimension() != 2
                || in[3].get(0) != in[0].get(0)
                || in[3].get(1) < 1
                || in[3].get(1) > config.textLength()) {
            throw new IllegalArgumentException("SimVLM takes [image (B, 3, " + s + ", " + s + "), prefix (B, "
                    + config.maxWords() + "), shown (B), decoder ids (B, 1.." + config.textLength() + "), ...], got "
                    + Arrays.toString(in));
        }
        Shape[] out = new Shape[in.length - 3];
        out[0] = new Shape(in[3].get(0), in[3].get(1), vocabularySize);
        System.arraycopy(in, 4, out, 1, in.length - 4);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
        long b = in[0].get(0);
        int d = config.width();
        stem.initialize(manager, dataType, in[0]);
        Shape features = stem.getOutputShapes(new Shape[] {in[0]})[0];
        stem2.initialize(manager, dataType, features);
        Shape features2 = stem2.getOutputShapes(new Shape[] {features})[0];
        patches.initialize(manager, dataType, features2);
        imagePositions.initialize(manager, dataType, new Shape(b, config.patches(), d));
        prefixPositions.initialize(manager, dataType, new Shape(b, config.maxWords(), d));
        Shape text = new Shape(b, config.textLength(), d);
        decoderPositions.initialize(manager, dataType, text);
        Shape memory = new Shape(b, config.patches() + config.maxWords(), d);
        encoder.initialize(manager, dataType, memory, new Shape(b, 1, memory.get(1)));
        encoderNorm.initialize(manager, dataType, memory);
        decoder.initialize(
                manager,
                dataType,
                text,
                new Shape(1, config.textLength(), config.textLength()),
                memory,
                new Shape(b, memory.get(1)));
        decoderNorm.initialize(manager, dataType, text);
    }
}
