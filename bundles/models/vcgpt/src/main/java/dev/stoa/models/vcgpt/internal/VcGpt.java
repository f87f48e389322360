package dev.stoa.models.vcgpt.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.fusion.CrossAttentionFusion;
import dev.stoa.nn.fusion.SelfEnsembling;
import dev.stoa.nn.lm.HiddenStates;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.text.SpecialTokens;
import java.util.Arrays;

/**
 * VC-GPT (Luo et al. 2022): a frozen language model, a fusion module on its last hidden states that cross-attends to
 * a frozen CLIP's grid features, and the two logits self-ensembled:
 *
 * <pre>
 * [z_lm, h] = GPT([prompt ; ids])[:, P:]           (B, T, V), (B, T, D)   frozen; prompt: P spaces, as pretrained
 * z_fused   = Fusion(h, g)                         (B, T, V)              g: CLIP grid (B, N, C), frozen
 * logits    = z_lm + z_fused                       (B, T, V)              self-ensembling ({@link SelfEnsembling})
 * </pre>
 *
 * <p>Inputs {@code [g (B, N, C), ids (B, T)]}; outputs {@code [logits (B, T, V), ids]}, what the {@code captioning}
 * loss takes. P is the prompt length the language model was pretrained with ({@code gpt-captions}: 16, its label
 * prompt); VC-GPT has no label, so those positions hold spaces. The language model's parameters are loaded and frozen
 * by {@link VcGptTrainable}; only the fusion module trains.
 */
final class VcGpt extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final long SPACE = SpecialTokens.COUNT + ' ';

    private final LanguageModel lm;
    private final CrossAttentionFusion fusion;
    private final int promptLength;
    private final SelfEnsembling logits;

    /**
     * @param config the variant
     * @param lm the language model, uninitialised; must give its hidden states ({@link HiddenStates})
     * @param promptLength P, the language model's pretraining prompt
     */
    VcGpt(VcGptConfig config, LanguageModel lm, int promptLength) {
        super(VERSION);
        if (!(lm instanceof HiddenStates)) {
            throw new IllegalArgumentException(
                    "the language model " + lm.getClass().getSimpleName() + " gives no hidden states");
        }
        this.lm = addChildBlock("lm", lm);
        this.fusion = addChildBlock(
                "fusion",
                CrossAttentionFusion.builder()
                        .setVocabularySize(lm.vocabularySize())
                        .setWidth(config.width())
                        .setLayerCount(config.layers())
                        .setHeadCount(config.heads())
                        .optMlpRatio(config.mlpRatio())
                        .build());
        this.promptLength = promptLength;
        this.logits = config.logits();
    }

    /** @return the frozen language model */
    LanguageModel lm() {
        return lm;
    }

    /** @return the fusion module, what a version saves */
    CrossAttentionFusion fusion() {
        return fusion;
    }

    /**
     * @param ps where the parameters are read
     * @param grid {@code (B, N, C)}
     * @param ids {@code (B, T)} int64
     * @param training whether gradients are recorded
     * @return {@code [z_lm (B, T, V), z_fused (B, T, V)]}
     */
    NDList parts(ParameterStore ps, NDArray grid, NDArray ids, boolean training) {
        NDArray sequence = ids.toType(DataType.INT64, false);
        if (promptLength > 0) {
            NDArray prompt =
                    ids.getManager().full(new Shape(ids.getShape().get(0), promptLength), SPACE, DataType.INT64);
            sequence = prompt.concat(sequence, 1);
        }
        // the language model is frozen: never in training mode, whatever the fusion module's pass is
        NDList out = ((HiddenStates) lm).forwardHidden(ps, sequence, false);
        NDArray zLm = out.get(0);
        NDArray h = out.get(1);
        if (promptLength > 0) {
            zLm = zLm.get(":, " + promptLength + ":, :");
            h = h.get(":, " + promptLength + ":, :");
        }
        NDArray zFused = fusion.forward(ps, new NDList(h, grid), training).head();
        return new NDList(zLm, zFused);
    }

    /**
     * @param ps where the parameters are read
     * @param grid {@code (B, N, C)}
     * @param ids {@code (B, T)}
     * @param member which logits
     * @return {@code (B, T, V)}
     */
    NDArray logits(ParameterStore ps, NDArray grid, NDArray ids, SelfEnsembling member) {
        NDList parts = parts(ps, grid, ids, false);
        return member.logits(parts.get(0), parts.get(1));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList parts = parts(ps, inputs.get(0), inputs.get(1), training);
        return new NDList(logits.logits(parts.get(0), parts.get(1)), inputs.get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 2 || inputShapes[0].dimension() != 3 || inputShapes[1].dimension() != 2) {
            throw new IllegalArgumentException(
                    "expected [grid (B, N, C), ids (B, T)], got " + Arrays.toString(inputShapes));
        }
        Shape ids = inputShapes[1];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), lm.vocabularySize()), ids};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        Shape ids = inputShapes[1];
        lm.initialize(manager, dataType, new Shape(ids.get(0), promptLength + ids.get(1)));
        fusion.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), lm.embeddingSize()), inputShapes[0]);
    }
}
