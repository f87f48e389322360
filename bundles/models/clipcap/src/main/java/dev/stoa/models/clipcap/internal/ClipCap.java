package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.lm.LanguageModel;

/**
 * ClipCap (Mokady et al. 2021): a CLIP image embedding becomes K prefix embeddings of a language model.
 *
 * <pre>
 * prefix = Mapper(v)                   v (B, E) CLIP image embedding -> (B, K, D)
 * logits = Decoder([prefix ; E[ids]])  -> (B, T, V), logits[:, t] scores ids[:, t + 1]
 * </pre>
 *
 * <p>{@code [v (B, E), ids (B, T)] -> [logits (B, T, V), ids]}: the ids pass through, so the output is what the
 * {@code captioning} loss takes (it shifts by one itself).
 * The CLIP encoder is not part of this block: it is frozen, and its embeddings come from its own service.
 */
final class ClipCap extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block mapper;
    private final LanguageModel decoder;
    private final int prefixLength;

    /**
     * @param config the variant (mapper kind, K, mapper depth and heads)
     * @param decoder a new, uninitialised language model; its width is D
     */
    ClipCap(ClipCapConfig config, LanguageModel decoder) {
        super(VERSION);
        this.prefixLength = config.prefixLength();
        int width = decoder.embeddingSize();
        if (config.mapper().equals("transformer") && width % config.mapperHeads() != 0) {
            throw new IllegalArgumentException(
                    "mapper_heads " + config.mapperHeads() + " must divide the decoder width " + width);
        }
        this.mapper = addChildBlock(
                "mapper",
                config.mapper().equals("mlp")
                        ? new MlpMapper(prefixLength, width)
                        : new TransformerMapper(prefixLength, width, config.mapperLayers(), config.mapperHeads()));
        this.decoder = addChildBlock("decoder", decoder);
    }

    /** @return the language model */
    LanguageModel decoder() {
        return decoder;
    }

    /** @return the mapping network, {@code (B, E) -> (B, K, D)} */
    Block mapper() {
        return mapper;
    }

    /**
     * @param ps where the parameters are read
     * @param embeddings {@code (B, E)}
     * @param training whether gradients are recorded
     * @return the prefix {@code (B, K, D)}
     */
    NDArray prefix(ParameterStore ps, NDArray embeddings, boolean training) {
        return mapper.forward(ps, new NDList(embeddings), training).head();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray prefix = prefix(ps, inputs.get(0), training);
        NDList logits = decoder.forward(ps, new NDList(inputs.get(1), prefix), training);
        return new NDList(logits.head(), inputs.get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape prefix = mapper.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        return new Shape[] {decoder.getOutputShapes(new Shape[] {inputShapes[1], prefix})[0], inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        mapper.initialize(manager, dataType, inputShapes[0]);
        decoder.initialize(
                manager,
                dataType,
                inputShapes[1],
                new Shape(inputShapes[0].get(0), prefixLength, decoder.embeddingSize()));
    }
}
