package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * unCLIP's two trained parts as one block, so that one training file trains both and one stored version holds both: the
 * {@link DiffusionPrior} (CLIP text embedding to CLIP image embedding) and the {@link ClipDecoder} (CLIP image
 * embedding to image). Their inputs and parameters are disjoint; the trainer's one step updates both.
 *
 * <p>In training: inputs {@code [x_t, t, z, keep, eps, z_t, t', y, keep', z_0]} (the decoder's four, its true noise, the
 * prior's four, the true image embedding), outputs {@code [eps_theta, eps, z_0 predicted, z_0]}.
 */
final class Unclip extends AbstractBlock {

    private static final byte VERSION = 1;

    private final UnclipConfig config;
    private final int dimension;
    private final DiffusionPrior prior;
    private final ClipDecoder decoder;

    Unclip(UnclipConfig config, int dimension) {
        super(VERSION);
        this.config = config;
        this.dimension = dimension;
        prior = addChildBlock(
                "prior", new DiffusionPrior(dimension, config.priorWidth(), config.priorLayers(), config.priorHeads()));
        decoder = addChildBlock("decoder", new ClipDecoder(config, dimension));
    }

    UnclipConfig config() {
        return config;
    }

    /** @return E, the CLIP embedding's size */
    int dimension() {
        return dimension;
    }

    DiffusionPrior prior() {
        return prior;
    }

    ClipDecoder decoder() {
        return decoder;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList eps =
                decoder.forward(ps, new NDList(inputs.get(0), inputs.get(1), inputs.get(2), inputs.get(3)), training);
        NDList z0 = prior.forward(ps, new NDList(inputs.get(5), inputs.get(6), inputs.get(7), inputs.get(8)), training);
        return new NDList(eps.head(), inputs.get(4), z0.head(), inputs.get(9));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0], inputShapes[4], inputShapes[5], inputShapes[9]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        decoder.initialize(manager, dataType, inputShapes[0], inputShapes[1], inputShapes[2], inputShapes[3]);
        prior.initialize(manager, dataType, inputShapes[5], inputShapes[6], inputShapes[7], inputShapes[8]);
    }
}
