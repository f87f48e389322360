package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.text.SpecialTokens;
import java.util.Arrays;

/**
 * Frozen (Tsimpoukelli et al. 2021): a vision encoder trained from scratch writes k prefix embeddings that a frozen
 * pretrained language model reads before the caption's token embeddings:
 *
 * <pre>
 * prefix = VisionEncoder(image)                       (B, k, D)   trained ({@link FrozenVisionEncoder})
 * logits = LM([prefix ; E[spaces] ; E[ids]])[:, P-k:] (B, T, V)   frozen; the LM's own token embeddings E
 * </pre>
 *
 * <p>The language model ({@code gpt-captions}) was pretrained with a text prompt of P positions before each caption
 * (its label, padded with spaces: "red circle      "); the k visual embeddings take the first k of those positions
 * and the other P - k hold spaces, so each caption starts where it started in pretraining. With k >= P there are no
 * spaces. Inputs {@code [image (B, 3, S, S), ids (B, T)]}; outputs {@code [logits (B, T, V), ids]}, what the
 * {@code captioning} loss takes. The language model's parameters are loaded and frozen by {@link FrozenTrainable}; the
 * gradient of the captioning loss flows through it into the vision encoder, the only part that learns.
 */
final class Frozen extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final long SPACE = SpecialTokens.COUNT + ' ';

    private final FrozenVisionEncoder vision;
    private final LanguageModel lm;
    private final int prefixLength;
    private final int spaces;

    /**
     * @param config the variant
     * @param lm the language model, uninitialised
     * @param promptLength P, the language model's pretraining prompt
     * @param resnet the ResNet backbone for {@code image_encoder=resnet}, uninitialised; null for {@code vit}
     */
    Frozen(FrozenConfig config, LanguageModel lm, int promptLength, ai.djl.nn.Block resnet) {
        super(VERSION);
        this.vision = addChildBlock("vision", new FrozenVisionEncoder(config, lm.embeddingSize(), resnet));
        this.lm = addChildBlock("lm", lm);
        this.prefixLength = config.prefixLength();
        this.spaces = Math.max(0, promptLength - prefixLength);
    }

    /** @return the vision encoder and its map to the prefix, what trains and what a version saves */
    FrozenVisionEncoder vision() {
        return vision;
    }

    /** @return the frozen language model */
    LanguageModel lm() {
        return lm;
    }

    /**
     * @param ps where the parameters are read
     * @param image {@code (B, 3, S, S)}
     * @param training whether gradients are recorded
     * @return the visual prefix {@code (B, k, D)}
     */
    NDArray prefix(ParameterStore ps, NDArray image, boolean training) {
        return vision.forward(ps, new NDList(image), training).head();
    }

    /**
     * @param ps where the parameters are read
     * @param prefix {@code (B, k, D)}
     * @param ids {@code (B, T)}
     * @param training whether gradients are recorded (into the prefix: the language model itself is frozen)
     * @return {@code (B, T, V)}: {@code logits[:, t]} scores {@code ids[:, t + 1]}
     */
    NDArray logits(ParameterStore ps, NDArray prefix, NDArray ids, boolean training) {
        NDArray sequence = ids.toType(DataType.INT64, false);
        if (spaces > 0) {
            sequence = ids.getManager()
                    .full(new Shape(ids.getShape().get(0), spaces), SPACE, DataType.INT64)
                    .concat(sequence, 1);
        }
        // the language model is frozen: never in training mode (no dropout), yet the gradient flows through it
        NDArray logits = lm.forward(ps, new NDList(sequence, prefix), false).head();
        return spaces > 0 ? logits.get(":, " + spaces + ":, :") : logits;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray prefix = prefix(ps, inputs.get(0), training);
        return new NDList(logits(ps, prefix, inputs.get(1), training), inputs.get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 2 || inputShapes[0].dimension() != 4 || inputShapes[1].dimension() != 2) {
            throw new IllegalArgumentException(
                    "expected [image (B, 3, S, S), ids (B, T)], got " + Arrays.toString(inputShapes));
        }
        Shape ids = inputShapes[1];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), lm.vocabularySize()), ids};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
        Shape ids = inputShapes[1];
        vision.initialize(manager, dataType, inputShapes[0]);
        lm.initialize(
                manager,
                dataType,
                new Shape(ids.get(0), spaces + ids.get(1)),
                new Shape(ids.get(0), prefixLength, lm.embeddingSize()));
    }
}
