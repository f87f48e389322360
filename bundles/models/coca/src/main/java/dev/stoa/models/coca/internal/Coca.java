package dev.stoa.models.coca.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.eval.ZeroShotClassifier;
import dev.stoa.nn.pool.AttentionalPooler;
import dev.stoa.nn.pool.EndOfTextPooler;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.Arrays;

/**
 * CoCa (Yu et al. 2022, "CoCa: Contrastive Captioners are Image-Text Foundation Models"): an image encoder, a text
 * decoder cut in two, and two attentional poolers over the image tokens:
 *
 * <pre>
 * c   = ImageEncoder(image)                               ResNet patch tokens                    (B, N, C)
 * v   = normalize(W_v LN_v(AttnPool_1(c)[:, 0]))           ONE query: the contrastive image embedding (B, E)
 * q   = AttnPool_n(c)                                     n queries: the tokens the captioner reads (B, n, D)
 * e   = E[w_t] + P[t]                                     byte tokens: START w_1 .. w_k END PAD..  (B, T, D)
 * h   = UnimodalDecoder(e, causal)                        first half of the layers, NO cross-attention: text only
 * l   = normalize(W_l LN_l(h[:, END]))                    the last (end) token: the contrastive text embedding (B, E)
 * g   = MultimodalDecoder(h, causal, cross-attention to q)   the other half of the layers
 * Z   = W_o LN_o(g)                                       next-token logits                      (B, T, V)
 * L   = λ_con · CLIP(v, l) + λ_cap · CE(Z[:, t], w[t + 1])  the `coca` loss (bundles/losses)
 * </pre>
 *
 * <p>Inputs {@code [images (B, 3, S, S), ids (B, T) int64, lengths (B) int64]}; outputs {@code [v (B, E), l (B, E),
 * Z (B, T, V), ids (B, T)]}, what the {@code coca} loss takes (the ids passed through as the captioning targets).
 */
final class Coca extends AbstractBlock {

    private static final byte VERSION = 1;

    private final CocaConfig config;
    private final int vocabularySize;
    private final Block imageEncoder;
    private final AttentionalPooler contrastivePooler;
    private final AttentionalPooler captionPooler;
    private final LayerNorm imageNorm;
    private final Linear imageProjection;
    private final Parameter tokenEmbedding;
    private final PositionalEmbedding positions;
    private final TransformerStack unimodal;
    private final LayerNorm textNorm;
    private final Linear textProjection;
    private final EndOfTextPooler endOfText;
    private final TransformerStack multimodal;
    private final LayerNorm outputNorm;
    private final Linear output;

    /**
     * @param config the variant
     * @param vocabularySize V
     * @param imageEncoder {@code [images (B, 3, S, S)] -> [(B, N, C)]}, e.g. the {@code resnet} encoder with
     *     {@code output=tokens}
     */
    Coca(CocaConfig config, int vocabularySize, Block imageEncoder) {
        super(VERSION);
        this.config = config;
        this.vocabularySize = vocabularySize;
        int d = config.width();
        this.imageEncoder = addChildBlock("image_encoder", imageEncoder);
        contrastivePooler = addChildBlock("contrastive_pooler", pooler(config, 1));
        captionPooler = addChildBlock("caption_pooler", pooler(config, config.captionQueries()));
        imageNorm = addChildBlock("image_norm", LayerNorm.builder().axis(1).build());
        imageProjection = addChildBlock(
                "image_projection",
                Linear.builder().setUnits(config.embedDim()).optBias(false).build());
        tokenEmbedding = addParameter(Parameter.builder()
                .setName("token_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, d))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        positions = addChildBlock(
                "positions",
                PositionalEmbedding.builder()
                        .setMaxLength(config.textLength())
                        .setEmbeddingSize(d)
                        .optInitialStd(0.01f)
                        .build());
        unimodal = addChildBlock(
                "unimodal_decoder",
                TransformerStack.builder()
                        .setLayerCount(config.unimodalLayers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .build());
        textNorm = addChildBlock("text_norm", LayerNorm.builder().axis(1).build());
        textProjection = addChildBlock(
                "text_projection",
                Linear.builder().setUnits(config.embedDim()).optBias(false).build());
        endOfText = addChildBlock("end_of_text", new EndOfTextPooler());
        multimodal = addChildBlock(
                "multimodal_decoder",
                TransformerStack.builder()
                        .setLayerCount(config.multimodalLayers())
                        .setEmbeddingSize(d)
                        .setHeadCount(config.heads())
                        .optCrossAttention(true)
                        .build());
        outputNorm = addChildBlock("output_norm", LayerNorm.builder().axis(2).build());
        output = addChildBlock(
                "output", Linear.builder().setUnits(vocabularySize).build());
    }

    private static AttentionalPooler pooler(CocaConfig config, int queries) {
        return AttentionalPooler.builder()
                .setEmbeddingSize(config.width())
                .setHeadCount(config.heads())
                .setQueryCount(queries)
                .build();
    }

    /** @return the variant */
    CocaConfig config() {
        return config;
    }

    /** @return V */
    int vocabularySize() {
        return vocabularySize;
    }

    /**
     * The image side: the contrastive embedding (one query) and the captioner's tokens (n queries).
     *
     * @return {@code [v (B, E) unit rows, q (B, n, D)]}
     */
    NDList encodeImage(ParameterStore ps, NDArray images, boolean training) {
        NDArray c = imageEncoder.forward(ps, new NDList(images), training).head();
        NDArray pooled =
                contrastivePooler.forward(ps, new NDList(c), training).head().get(":, 0, :");
        pooled = imageNorm.forward(ps, new NDList(pooled), training).head();
        NDArray v = imageProjection.forward(ps, new NDList(pooled), training).head();
        NDArray q = captionPooler.forward(ps, new NDList(c), training).head();
        return new NDList(ZeroShotClassifier.normalize(v, 1), q);
    }

    /**
     * The unimodal text decoder: causal, text only (no cross-attention, so the image cannot reach it).
     *
     * @param ids {@code (B, T)} int64
     * @param lengths {@code (B)} int64, real tokens per row (the end token is at {@code lengths - 1})
     * @return {@code [l (B, E) unit rows, h (B, T, D)]}
     */
    NDList encodeText(ParameterStore ps, NDArray ids, NDArray lengths, boolean training) {
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        // one-hot (B, T, V) @ E (V, D): starts from the batch, so the result lives in the batch's manager
        NDArray e =
                ids.oneHot(vocabularySize).toType(table.getDataType(), false).matMul(table);
        e = positions.forward(ps, new NDList(e), training).head();
        NDArray causal =
                AttentionMasks.causal(ids.getManager(), (int) ids.getShape().get(1));
        NDArray h = unimodal.forward(ps, new NDList(e, causal), training).head();
        NDArray last = endOfText
                .forward(ps, new NDList(h, lengths.sub(1).toType(DataType.INT64, false)), training)
                .head();
        last = textNorm.forward(ps, new NDList(last), training).head();
        NDArray l = textProjection.forward(ps, new NDList(last), training).head();
        return new NDList(ZeroShotClassifier.normalize(l, 1), h);
    }

    /**
     * The multimodal text decoder: causal self-attention over the unimodal outputs and cross-attention to the
     * captioner's image tokens.
     *
     * @param h {@code (B, T, D)} from {@link #encodeText}
     * @param q {@code (B, n, D)} from {@link #encodeImage}
     * @return {@code (B, T, V)} next-token logits
     */
    NDArray decode(ParameterStore ps, NDArray h, NDArray q, boolean training) {
        NDArray causal =
                AttentionMasks.causal(h.getManager(), (int) h.getShape().get(1));
        NDArray g = multimodal.forward(ps, new NDList(h, causal, q), training).head();
        g = outputNorm.forward(ps, new NDList(g), training).head();
        return output.forward(ps, new NDList(g), training).head();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        getOutputShapes(inputs.getShapes());
        NDList image = encodeImage(ps, inputs.get(0), training);
        NDList text = encodeText(ps, inputs.get(1), inputs.get(2), training);
        NDArray logits = decode(ps, text.get(1), image.get(1), training);
        return new NDList(image.get(0), text.get(0), logits, inputs.get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        int s = config.imageSize();
        int t = config.textLength();
        if (in.length != 3
                || in[0].dimension() != 4
                || in[0].get(1) != 3
                || in[0].get(2) != s
                || in[0].get(3) != s
                || in[1].dimension() != 2
                || in[1].get(0) != in[0].get(0)
                || in[1].get(1) != t
                || !in[2].equals(new Shape(in[0].get(0)))) {
            throw new IllegalArgumentException("CoCa takes [images (B, 3, " + s + ", " + s + "), ids (B, " + t
                    + "), lengths (B)], got " + Arrays.toString(in));
        }
        long b = in[0].get(0);
        return new Shape[] {
            new Shape(b, config.embedDim()), new Shape(b, config.embedDim()), new Shape(b, t, vocabularySize), in[1]
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
        long b = in[0].get(0);
        int d = config.width();
        int t = config.textLength();
        imageEncoder.initialize(manager, dataType, in[0]);
        Shape c = imageEncoder.getOutputShapes(new Shape[] {in[0]})[0];
        contrastivePooler.initialize(manager, dataType, c);
        captionPooler.initialize(manager, dataType, c);
        imageNorm.initialize(manager, dataType, new Shape(b, d));
        imageProjection.initialize(manager, dataType, new Shape(b, d));
        Shape x = new Shape(b, t, d);
        positions.initialize(manager, dataType, x);
        Shape mask = new Shape(1, t, t);
        unimodal.initialize(manager, dataType, x, mask);
        textNorm.initialize(manager, dataType, new Shape(b, d));
        textProjection.initialize(manager, dataType, new Shape(b, d));
        endOfText.initialize(manager, dataType, x, new Shape(b));
        multimodal.initialize(manager, dataType, x, mask, new Shape(b, config.captionQueries(), d));
        outputNorm.initialize(manager, dataType, x);
        output.initialize(manager, dataType, x);
    }
}
