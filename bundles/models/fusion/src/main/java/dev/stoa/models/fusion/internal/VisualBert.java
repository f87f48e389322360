package dev.stoa.models.fusion.internal;

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
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.heads.MaskedTokenHead;
import dev.stoa.nn.heads.MatchingHead;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;

/**
 * VisualBERT (Li et al. 2019, "VisualBERT: A Simple and Performant Baseline for Vision and Language"): ONE transformer
 * over the words and the image's features together, so that self-attention aligns words with image regions
 * implicitly. Here the regions are patches of a small convolutional stem rather than a detector's boxes:
 *
 * <pre>
 * e_t = E[w_t] + P_text[t] + s_text                       words: [CLS] w_1 .. w_n [SEP] PAD..   (B, T, D)
 * f   = PatchEmbedding_p(GELU(Conv3x3(GELU(Conv3x3(image)))))  image features, never masked    (B, N, D), N = (S/p)²
 * e_v = f + P_image[n] + s_image                          segment embedding s: which modality a token is
 * h   = LN_f(Transformer(LN_e([e_t; e_v])))               one bidirectional stack over T + N tokens
 * Z   = MaskedTokenHead(h[:, :T])                         masked language modelling logits      (B, T, V)
 * S   = MatchingHead(h[:, 0])                             sentence-image prediction on [CLS]    (B, 2)
 * </pre>
 *
 * <p>Inputs {@code [ids (B, T) int64, image (B, 3, S, S) float, rest...]}; outputs {@code [Z, S, rest...]}: any
 * further inputs (the trainer's labels) are passed through, so the loss gets the labels the inputs were masked with.
 */
final class VisualBert extends AbstractBlock implements FusionEncoder {

    private static final byte VERSION = 1;

    private final VisualBertConfig config;
    private final int vocabularySize;
    private final Parameter tokenEmbedding;
    private final Parameter segments;
    private final Conv2d stem;
    private final Conv2d stem2;
    private final PatchEmbedding patches;
    private final PositionalEmbedding textPositions;
    private final PositionalEmbedding imagePositions;
    private final LayerNorm embeddingNorm;
    private final TransformerStack transformer;
    private final LayerNorm finalNorm;
    private final MaskedTokenHead tokenHead;
    private final MatchingHead matchingHead;

    /**
     * @param config the variant
     * @param vocabularySize V, words, special tokens and the mask token
     */
    VisualBert(VisualBertConfig config, int vocabularySize) {
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
        // row 0: the text segment, row 1: the image segment (BERT's token type embeddings)
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
                        .setFilters(config.stemChannels())
                        .build());
        patches = addChildBlock(
                "patches",
                PatchEmbedding.builder()
                        .setPatchSize(config.patchSize())
                        .setEmbeddingSize(d)
                        .build());
        textPositions = addChildBlock(
                "text_positions",
                PositionalEmbedding.builder()
                        .setMaxLength(config.textLength())
                        .setEmbeddingSize(d)
                        .optInitialStd(0.02f)
                        .build());
        imagePositions = addChildBlock(
                "image_positions",
                PositionalEmbedding.builder()
                        .setMaxLength(config.patches())
                        .setEmbeddingSize(d)
                        .optInitialStd(0.02f)
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
        matchingHead = addChildBlock("itm_head", MatchingHead.of(d));
    }

    /** @return the variant */
    VisualBertConfig config() {
        return config;
    }

    /** @return V */
    int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public String architecture() {
        return "visualbert";
    }

    @Override
    public String variant() {
        return config.name();
    }

    @Override
    public int imageSize() {
        return config.imageSize();
    }

    @Override
    public int textLength() {
        return config.textLength();
    }

    @Override
    public int maxCount() {
        return config.maxCount();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDArray ids = inputs.get(0);
        NDArray image = inputs.get(1);
        int t = config.textLength();
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        NDArray segment = ps.getValue(segments, ids.getDevice(), training);
        // one-hot (B, T, V) @ E (V, D): starts from the batch, so the result lives in the batch's manager
        NDArray text =
                ids.oneHot(vocabularySize).toType(table.getDataType(), false).matMul(table);
        text = textPositions
                .forward(ps, new NDList(text), training, params)
                .head()
                .add(segment.get(0));
        NDArray features = Activation.gelu(
                stem.forward(ps, new NDList(image), training, params).head());
        features = Activation.gelu(
                stem2.forward(ps, new NDList(features), training, params).head());
        NDArray visual =
                patches.forward(ps, new NDList(features), training, params).head();
        visual = imagePositions
                .forward(ps, new NDList(visual), training, params)
                .head()
                .add(segment.get(1));
        NDArray x = embeddingNorm
                .forward(ps, new NDList(text.concat(visual, 1)), training, params)
                .head();
        // every token attends to every token, the padding included (a learned PAD embedding at fixed positions); the
        // key-padding mask was dropped while chasing non-finite gradients, which it did not cause (README)
        NDArray h = transformer.forward(ps, new NDList(x), training, params).head();
        h = finalNorm.forward(ps, new NDList(h), training, params).head();
        NDArray tokens = tokenHead
                .forward(ps, new NDList(h.get(":, :" + t + ", :")), training, params)
                .head();
        NDArray matching = matchingHead
                .forward(ps, new NDList(h.get(":, 0, :")), training, params)
                .head();
        NDList out = new NDList(tokens, matching);
        for (int i = 2; i < inputs.size(); i++) {
            out.add(inputs.get(i));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        int s = config.imageSize();
        if (in.length < 2
                || in[0].dimension() != 2
                || in[0].get(1) != config.textLength()
                || in[1].dimension() != 4
                || in[1].get(0) != in[0].get(0)
                || in[1].get(1) != 3
                || in[1].get(2) != s
                || in[1].get(3) != s) {
            throw new IllegalArgumentException("VisualBERT takes [ids (B, " + config.textLength() + "), image (B, 3, "
                    + s + ", " + s + "), ...], got " + Arrays.toString(in));
        }
        long b = in[0].get(0);
        Shape[] out = new Shape[in.length];
        out[0] = new Shape(b, config.textLength(), vocabularySize);
        out[1] = new Shape(b, 2);
        System.arraycopy(in, 2, out, 2, in.length - 2);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
        long b = in[0].get(0);
        int d = config.width();
        stem.initialize(manager, dataType, in[1]);
        Shape features = stem.getOutputShapes(new Shape[] {in[1]})[0];
        stem2.initialize(manager, dataType, features);
        patches.initialize(manager, dataType, features);
        Shape text = new Shape(b, config.textLength(), d);
        Shape visual = new Shape(b, config.patches(), d);
        textPositions.initialize(manager, dataType, text);
        imagePositions.initialize(manager, dataType, visual);
        Shape x = new Shape(b, config.textLength() + config.patches(), d);
        embeddingNorm.initialize(manager, dataType, x);
        transformer.initialize(manager, dataType, x);
        finalNorm.initialize(manager, dataType, x);
        tokenHead.initialize(manager, dataType, text);
        matchingHead.initialize(manager, dataType, new Shape(b, d));
    }
}
