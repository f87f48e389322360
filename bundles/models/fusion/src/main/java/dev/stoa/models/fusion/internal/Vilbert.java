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
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.fusion.CoAttentionLayer;
import dev.stoa.nn.heads.MaskedTokenHead;
import dev.stoa.nn.heads.MatchingHead;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ViLBERT (Lu et al. 2019, "ViLBERT: Pretraining Task-Agnostic Visiolinguistic Representations for
 * Vision-and-Language Tasks"): TWO streams, one per modality, each with its own width and depth, that exchange
 * information only through co-attention layers (queries from one stream, keys and values from the other). Here the
 * image regions are patches of a small convolutional stem rather than a detector's boxes, and the [IMG] token is
 * their mean (the paper: the mean-pooled image features):
 *
 * <pre>
 * l_0 = LN(E[w_t] + P_text[t])                                  [CLS] w_1 .. w_n [SEP] PAD..          (B, T, D_l)
 * f   = PatchEmbedding_p(GELU(Conv3x3(GELU(Conv3x3(image)))))      region features                      (B, N, D_v)
 * v_0 = LN([mean_n f ; f] + P_image)                             [IMG] r_1 .. r_N                    (B, 1+N, D_v)
 * l   = TextStack(l_0)        v = ImageStack(v_0)                 each stream's own layers (text_layers, image_layers)
 * for k in 1..K:  (v, l) = CoAttention_k(v, l);  v = Layer_v,k(v);  l = Layer_l,k(l)         (co_layers = K)
 * Z   = MaskedTokenHead_l(LN(l))                                  masked words                          (B, T, V)
 * R   = MaskedTokenHead_v(LN(v)[:, 1:])                           masked regions' class distribution    (B, N, C)
 * S   = MatchingHead(tanh(W_l h_CLS) * tanh(W_v h_IMG))          alignment prediction                  (B, 2)
 * </pre>
 *
 * <p>Inputs {@code [ids (B, T) int64, image (B, 3, S, S) float, rest...]}; outputs {@code [Z, S, R, rest...]}: any
 * further inputs (the trainer's labels) are passed through. Masked regions are masked in the pixels before the stem
 * ({@link VilbertTrainable}), so the block itself never sees a mask.
 */
final class Vilbert extends AbstractBlock implements FusionEncoder {

    private static final byte VERSION = 1;

    private final VilbertConfig config;
    private final int vocabularySize;
    private final Parameter tokenEmbedding;
    private final PositionalEmbedding textPositions;
    private final LayerNorm textNorm;
    private final TransformerStack textStack;
    private final Conv2d stem;
    private final Conv2d stem2;
    private final PatchEmbedding patches;
    private final PositionalEmbedding imagePositions;
    private final LayerNorm imageNorm;
    private final TransformerStack imageStack;
    private final List<CoAttentionLayer> coAttention = new ArrayList<>();
    private final List<TransformerStack> textAfter = new ArrayList<>();
    private final List<TransformerStack> imageAfter = new ArrayList<>();
    private final LayerNorm textFinalNorm;
    private final LayerNorm imageFinalNorm;
    private final MaskedTokenHead tokenHead;
    private final MaskedTokenHead regionHead;
    private final Linear textPooler;
    private final Linear imagePooler;
    private final MatchingHead matchingHead;

    /**
     * @param config the variant
     * @param vocabularySize V, words, special tokens and the mask token
     */
    Vilbert(VilbertConfig config, int vocabularySize) {
        super(VERSION);
        this.config = config;
        this.vocabularySize = vocabularySize;
        int dl = config.textWidth();
        int dv = config.imageWidth();
        tokenEmbedding = addParameter(Parameter.builder()
                .setName("token_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, dl))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        textPositions = addChildBlock(
                "text_positions",
                PositionalEmbedding.builder()
                        .setMaxLength(config.textLength())
                        .setEmbeddingSize(dl)
                        .optInitialStd(0.02f)
                        .build());
        textNorm = addChildBlock("text_norm", LayerNorm.builder().axis(2).build());
        textStack = config.textLayers() == 0
                ? null
                : addChildBlock("text_stack", stack(config.textLayers(), dl, config.textHeads()));
        stem = addChildBlock("stem", conv(config.stemChannels()));
        stem2 = addChildBlock("stem2", conv(config.stemChannels()));
        patches = addChildBlock(
                "patches",
                PatchEmbedding.builder()
                        .setPatchSize(config.patchSize())
                        .setEmbeddingSize(dv)
                        .build());
        imagePositions = addChildBlock(
                "image_positions",
                PositionalEmbedding.builder()
                        .setMaxLength(config.patches() + 1)
                        .setEmbeddingSize(dv)
                        .optInitialStd(0.02f)
                        .build());
        imageNorm = addChildBlock("image_norm", LayerNorm.builder().axis(2).build());
        imageStack = config.imageLayers() == 0
                ? null
                : addChildBlock("image_stack", stack(config.imageLayers(), dv, config.imageHeads()));
        for (int k = 0; k < config.coLayers(); k++) {
            coAttention.add(addChildBlock(
                    "co_attention_" + k,
                    CoAttentionLayer.builder()
                            .setVision(dv, config.imageHeads())
                            .setLanguage(dl, config.textHeads())
                            .build()));
            imageAfter.add(addChildBlock("image_layer_" + k, stack(1, dv, config.imageHeads())));
            textAfter.add(addChildBlock("text_layer_" + k, stack(1, dl, config.textHeads())));
        }
        textFinalNorm =
                addChildBlock("text_final_norm", LayerNorm.builder().axis(2).build());
        imageFinalNorm =
                addChildBlock("image_final_norm", LayerNorm.builder().axis(2).build());
        tokenHead = addChildBlock("mlm_head", MaskedTokenHead.of(dl, vocabularySize));
        regionHead = addChildBlock("region_head", MaskedTokenHead.of(dv, PatchTargets.CLASSES));
        textPooler = addChildBlock("text_pooler", Linear.builder().setUnits(dl).build());
        imagePooler =
                addChildBlock("image_pooler", Linear.builder().setUnits(dl).build());
        matchingHead = addChildBlock("itm_head", MatchingHead.of(dl));
    }

    private static TransformerStack stack(int layers, int width, int heads) {
        return TransformerStack.builder()
                .setLayerCount(layers)
                .setEmbeddingSize(width)
                .setHeadCount(heads)
                .build();
    }

    private static Conv2d conv(int channels) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(channels)
                .build();
    }

    /** @return the variant */
    VilbertConfig config() {
        return config;
    }

    /** @return V */
    int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public String architecture() {
        return "vilbert";
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
        // the linguistic stream
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        // one-hot (B, T, V) @ E (V, D): starts from the batch, so the result lives in the batch's manager
        NDArray l =
                ids.oneHot(vocabularySize).toType(table.getDataType(), false).matMul(table);
        l = textPositions.forward(ps, new NDList(l), training, params).head();
        l = textNorm.forward(ps, new NDList(l), training, params).head();
        if (textStack != null) {
            l = textStack.forward(ps, new NDList(l), training, params).head();
        }
        // the visual stream: [IMG] (the regions' mean) followed by the regions
        NDArray f = Activation.gelu(
                stem.forward(ps, new NDList(image), training, params).head());
        f = Activation.gelu(stem2.forward(ps, new NDList(f), training, params).head());
        f = patches.forward(ps, new NDList(f), training, params).head();
        NDArray v = f.mean(new int[] {1}, true).concat(f, 1);
        v = imagePositions.forward(ps, new NDList(v), training, params).head();
        v = imageNorm.forward(ps, new NDList(v), training, params).head();
        if (imageStack != null) {
            v = imageStack.forward(ps, new NDList(v), training, params).head();
        }
        // the streams exchange information only here: co-attention, then each stream's own layer
        for (int k = 0; k < coAttention.size(); k++) {
            NDList both = coAttention.get(k).forward(ps, new NDList(v, l), training, params);
            v = imageAfter
                    .get(k)
                    .forward(ps, new NDList(both.get(0)), training, params)
                    .head();
            l = textAfter
                    .get(k)
                    .forward(ps, new NDList(both.get(1)), training, params)
                    .head();
        }
        l = textFinalNorm.forward(ps, new NDList(l), training, params).head();
        v = imageFinalNorm.forward(ps, new NDList(v), training, params).head();
        NDArray tokens = tokenHead.forward(ps, new NDList(l), training, params).head();
        NDArray regions = regionHead
                .forward(ps, new NDList(v.get(":, 1:, :")), training, params)
                .head();
        NDArray hCls = textPooler
                .forward(ps, new NDList(l.get(":, 0, :")), training, params)
                .head()
                .tanh();
        NDArray hImg = imagePooler
                .forward(ps, new NDList(v.get(":, 0, :")), training, params)
                .head()
                .tanh();
        NDArray matching = matchingHead
                .forward(ps, new NDList(hCls.mul(hImg)), training, params)
                .head();
        NDList out = new NDList(tokens, matching, regions);
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
            throw new IllegalArgumentException("ViLBERT takes [ids (B, " + config.textLength() + "), image (B, 3, " + s
                    + ", " + s + "), ...], got " + Arrays.toString(in));
        }
        long b = in[0].get(0);
        Shape[] out = new Shape[in.length + 1];
        out[0] = new Shape(b, config.textLength(), vocabularySize);
        out[1] = new Shape(b, 2);
        out[2] = new Shape(b, config.patches(), PatchTargets.CLASSES);
        System.arraycopy(in, 2, out, 3, in.length - 2);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        getOutputShapes(in);
        long b = in[0].get(0);
        int dl = config.textWidth();
        int dv = config.imageWidth();
        Shape text = new Shape(b, config.textLength(), dl);
        Shape visual = new Shape(b, config.patches() + 1, dv);
        textPositions.initialize(manager, dataType, text);
        textNorm.initialize(manager, dataType, text);
        if (textStack != null) {
            textStack.initialize(manager, dataType, text);
        }
        stem.initialize(manager, dataType, in[1]);
        Shape features = stem.getOutputShapes(new Shape[] {in[1]})[0];
        stem2.initialize(manager, dataType, features);
        patches.initialize(manager, dataType, features);
        imagePositions.initialize(manager, dataType, visual);
        imageNorm.initialize(manager, dataType, visual);
        if (imageStack != null) {
            imageStack.initialize(manager, dataType, visual);
        }
        for (int k = 0; k < coAttention.size(); k++) {
            coAttention.get(k).initialize(manager, dataType, visual, text);
            imageAfter.get(k).initialize(manager, dataType, visual);
            textAfter.get(k).initialize(manager, dataType, text);
        }
        textFinalNorm.initialize(manager, dataType, text);
        imageFinalNorm.initialize(manager, dataType, visual);
        tokenHead.initialize(manager, dataType, text);
        regionHead.initialize(manager, dataType, new Shape(b, config.patches(), dv));
        textPooler.initialize(manager, dataType, new Shape(b, dl));
        imagePooler.initialize(manager, dataType, new Shape(b, dv));
        matchingHead.initialize(manager, dataType, new Shape(b, dl));
    }
}
