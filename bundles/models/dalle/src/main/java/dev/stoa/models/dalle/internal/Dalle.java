package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.List;

/**
 * DALL-E's transformer (Ramesh et al. 2021, section 2.2), small: one decoder-only transformer over the concatenation
 * of a caption's tokens and an image's tokens, modelling their joint distribution autoregressively.
 *
 * <pre>
 * e_text  = E_text[w_t] + P_text[t]                       t = 0 .. T-1   byte tokens START w .. END PAD ..
 * e_image = E_image[c_i] + P_image[i]                     i = 0 .. N-1   the dVAE's tokens, row by row
 * h       = Transformer([e_text ; e_image[:N-1]], causal)  (B, T + N - 1, D)   pre-LN layers, one causal mask over both
 * Z_text  = W_text LN(h)[:, :T-1]                          (B, T - 1, V)   predicts w[1:]
 * Z_image = W_image LN(h)[:, T-1:]                         (B, N, K)       predicts c: the last text position
 *                                                                          predicts the first image token
 * </pre>
 *
 * Each part has its own token and position embeddings (the paper's text and image embeddings; its row and column
 * embeddings are here one learned embedding per grid cell). Padding is not masked: as in the paper, a padding token
 * at each position is a token of its own (its position makes it so).
 *
 * <p>Inputs {@code [text (B, T) int64, image (B, N) int64]}; outputs {@code [Z_text, text, Z_image, image]}, what the
 * {@code dalle} loss takes.
 */
final class Dalle extends AbstractBlock {

    private static final byte VERSION = 1;

    private final DalleConfig config;
    private final int textVocabulary;
    private final int imageVocabulary;
    private final int imageTokens;
    private final Parameter textEmbedding;
    private final Parameter imageEmbedding;
    private final PositionalEmbedding textPositions;
    private final PositionalEmbedding imagePositions;
    private final TransformerStack transformer;
    private final LayerNorm norm;
    private final Linear textHead;
    private final Linear imageHead;

    /**
     * @param config the variant
     * @param textVocabulary V, the caption tokenizer's ids
     * @param imageVocabulary K, the dVAE's codebook size
     * @param imageTokens N, the dVAE's grid cells
     */
    Dalle(DalleConfig config, int textVocabulary, int imageVocabulary, int imageTokens) {
        super(VERSION);
        this.config = config;
        this.textVocabulary = textVocabulary;
        this.imageVocabulary = imageVocabulary;
        this.imageTokens = imageTokens;
        int d = config.width();
        textEmbedding = addParameter(table("text_embedding", textVocabulary, d));
        imageEmbedding = addParameter(table("image_embedding", imageVocabulary, d));
        textPositions = addChildBlock("text_positions", positions(config.textLength(), d));
        imagePositions = addChildBlock("image_positions", positions(imageTokens, d));
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(config.layers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .build());
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        textHead = addChildBlock(
                "text_head", Linear.builder().setUnits(textVocabulary).build());
        imageHead = addChildBlock(
                "image_head", Linear.builder().setUnits(imageVocabulary).build());
    }

    private static Parameter table(String name, int rows, int d) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, d))
                .optInitializer(new NormalInitializer(0.02f))
                .build();
    }

    private static PositionalEmbedding positions(int length, int d) {
        return PositionalEmbedding.builder()
                .setMaxLength(length)
                .setEmbeddingSize(d)
                .optInitialStd(0.01f)
                .build();
    }

    DalleConfig config() {
        return config;
    }

    /** @return N, the image tokens of a sample */
    int imageTokens() {
        return imageTokens;
    }

    /** @return K, the image vocabulary */
    int imageVocabulary() {
        return imageVocabulary;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray text = inputs.get(0);
        NDArray image = inputs.get(1);
        int t = (int) text.getShape().get(1);
        NDArray x = NDArrays.concat(
                new NDList(
                        embedText(ps, text, training),
                        embedImage(ps, image.get(":, :" + (imageTokens - 1)), 0, training)),
                1);
        NDArray mask = AttentionMasks.causal(x.getManager(), (int) x.getShape().get(1));
        NDArray h = transformer.forward(ps, new NDList(x, mask), training).head();
        h = norm.forward(ps, new NDList(h), training).head();
        NDArray textLogits = textHead.forward(ps, new NDList(h.get(":, :" + (t - 1))), training)
                .head();
        NDArray imageLogits = imageHead
                .forward(ps, new NDList(h.get(":, " + (t - 1) + ":")), training)
                .head();
        return new NDList(textLogits, text, imageLogits, image);
    }

    NDArray embedText(ParameterStore ps, NDArray ids, boolean training) {
        NDArray table = ps.getValue(textEmbedding, ids.getDevice(), training);
        NDArray e =
                ids.oneHot(textVocabulary).toType(table.getDataType(), false).matMul(table);
        return textPositions.forward(ps, new NDList(e), training).head();
    }

    /** @return the embeddings of image tokens {@code (B, k)} that stand at grid cells {@code offset ..} */
    NDArray embedImage(ParameterStore ps, NDArray ids, int offset, boolean training) {
        NDArray table = ps.getValue(imageEmbedding, ids.getDevice(), training);
        NDArray e =
                ids.oneHot(imageVocabulary).toType(table.getDataType(), false).matMul(table);
        return imagePositions.forwardAt(ps, e, offset, training);
    }

    /**
     * The caption's positions, from nothing cached: the start of sampling.
     *
     * @param text {@code (B, T)} int64
     * @return the logits of the first image token {@code (B, K)} and the caches
     */
    Step start(ParameterStore ps, NDArray text) {
        NDArray x = embedText(ps, text, false);
        int t = (int) x.getShape().get(1);
        TransformerStack.CachedOutput out =
                transformer.forwardWithCache(ps, x, AttentionMasks.causal(x.getManager(), t), null, false);
        return new Step(imageLogits(ps, out.output().get(":, " + (t - 1) + ":")), out.caches());
    }

    /**
     * One image token more, after the caption and the image tokens before it.
     *
     * @param token {@code (B, 1)} int64, the token just drawn at grid cell {@code cell}
     * @param past the caches of everything before it
     * @return the logits of the token at {@code cell + 1}, {@code (B, K)}, and the caches
     */
    Step next(ParameterStore ps, NDArray token, int cell, List<KeyValueCache> past) {
        NDArray x = embedImage(ps, token, cell, false);
        TransformerStack.CachedOutput out = transformer.forwardWithCache(ps, x, null, past, false);
        return new Step(imageLogits(ps, out.output()), out.caches());
    }

    private NDArray imageLogits(ParameterStore ps, NDArray last) {
        NDArray h = norm.forward(ps, new NDList(last), false).head();
        NDArray z = imageHead.forward(ps, new NDList(h), false).head();
        return z.reshape(z.getShape().get(0), imageVocabulary);
    }

    /**
     * @param logits the next image token's logits, {@code (B, K)}
     * @param caches the transformer's caches, one per layer
     */
    record Step(NDArray logits, List<KeyValueCache> caches) {}

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        long t = inputShapes[0].get(1);
        return new Shape[] {
            new Shape(b, t - 1, textVocabulary),
            inputShapes[0],
            new Shape(b, imageTokens, imageVocabulary),
            inputShapes[1]
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        int d = config.width();
        long length = inputShapes[0].get(1) + imageTokens - 1;
        textPositions.initialize(manager, dataType, new Shape(b, inputShapes[0].get(1), d));
        imagePositions.initialize(manager, dataType, new Shape(b, imageTokens, d));
        transformer.initialize(manager, dataType, new Shape(b, length, d));
        norm.initialize(manager, dataType, new Shape(b, length, d));
        textHead.initialize(manager, dataType, new Shape(b, length, d));
        imageHead.initialize(manager, dataType, new Shape(b, length, d));
    }
}
