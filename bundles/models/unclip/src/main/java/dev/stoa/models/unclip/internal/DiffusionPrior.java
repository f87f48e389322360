package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.stoa.nn.diffusion.TimestepEmbedding;
import dev.stoa.nn.transformer.TransformerStack;

/**
 * unCLIP's diffusion prior (Ramesh et al. 2022, section 2.1), small: a transformer over a sequence of four tokens, the
 * CLIP text embedding, the diffusion timestep, the noised CLIP image embedding and a final query token, whose output
 * at the query predicts the unnoised image embedding directly:
 *
 * <pre>
 * y'   = keep ? y : null_text                                     (classifier-free guidance: y dropped in training)
 * seq  = [W_y y' ; W_t SiLU(W_e e(t)) ; W_z z_t ; q] + pos         4 tokens of width W
 * h    = Transformer(seq)
 * z_0  = W_o LN(h[query])                                          f_theta(z_t, t, y), trained with || z_0 - z ||^2
 * </pre>
 *
 * <p>The paper's prior also reads the caption's encoded tokens and a token for the text-image dot product; here the
 * text arrives only as CLIP's embedding. Inputs {@code [z_t (B, E), t (B), y (B, E), keep (B)]}; output
 * {@code [z_0 (B, E)]}. The embeddings are CLIP's, L2-normalised and scaled by sqrt(E) so each component has about
 * unit variance ({@link UnclipSampler#scaled}).
 */
final class DiffusionPrior extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final int TOKENS = 4;

    private final int dimension;
    private final int width;
    private final Linear textIn;
    private final Linear timeIn;
    private final Linear timeOut;
    private final Linear latentIn;
    private final Parameter query;
    private final Parameter positions;
    private final Parameter nullText;
    private final TransformerStack transformer;
    private final LayerNorm outNorm;
    private final Linear out;

    DiffusionPrior(int dimension, int width, int layers, int heads) {
        super(VERSION);
        this.dimension = dimension;
        this.width = width;
        textIn = addChildBlock("text_in", Linear.builder().setUnits(width).build());
        timeIn = addChildBlock("time_in", Linear.builder().setUnits(width).build());
        timeOut = addChildBlock("time_out", Linear.builder().setUnits(width).build());
        latentIn = addChildBlock("latent_in", Linear.builder().setUnits(width).build());
        query = addParameter(Parameter.builder()
                .setName("query")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, 1, width))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        positions = addParameter(Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, TOKENS, width))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        nullText = addParameter(Parameter.builder()
                .setName("null_text")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, dimension))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        transformer = addChildBlock(
                "transformer",
                TransformerStack.builder()
                        .setLayerCount(layers)
                        .setEmbeddingSize(width)
                        .setHeadCount(heads)
                        .build());
        outNorm = addChildBlock("out_norm", LayerNorm.builder().build());
        out = addChildBlock("out", Linear.builder().setUnits(dimension).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray zt = inputs.get(0);
        NDArray t = inputs.get(1);
        NDArray y = inputs.get(2);
        NDArray keep = inputs.get(3).toType(DataType.FLOAT32, false).reshape(-1, 1);
        long b = zt.getShape().get(0);
        NDArray text = y.mul(keep).add(keep.mul(-1f).add(1f).mul(ps.getValue(nullText, zt.getDevice(), training)));
        NDArray textToken = textIn.forward(ps, new NDList(text), training).head();
        NDArray time = timeIn.forward(ps, new NDList(TimestepEmbedding.sinusoidal(t, width)), training)
                .head();
        NDArray timeToken = timeOut.forward(ps, new NDList(time.mul(Activation.sigmoid(time))), training)
                .head();
        NDArray latentToken = latentIn.forward(ps, new NDList(zt), training).head();
        NDArray q = ps.getValue(query, zt.getDevice(), training).broadcast(new Shape(b, 1, width));
        NDArray seq = NDArrays.concat(
                        new NDList(textToken.expandDims(1), timeToken.expandDims(1), latentToken.expandDims(1), q), 1)
                .add(ps.getValue(positions, zt.getDevice(), training));
        NDArray h = transformer.forward(ps, new NDList(seq), training).head();
        NDArray last = h.get(":, " + (TOKENS - 1) + ", :");
        NDArray normed = outNorm.forward(ps, new NDList(last), training).head();
        return new NDList(out.forward(ps, new NDList(normed), training).head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        textIn.initialize(manager, dataType, new Shape(b, dimension));
        timeIn.initialize(manager, dataType, new Shape(b, width));
        timeOut.initialize(manager, dataType, new Shape(b, width));
        latentIn.initialize(manager, dataType, new Shape(b, dimension));
        transformer.initialize(manager, dataType, new Shape(b, TOKENS, width));
        outNorm.initialize(manager, dataType, new Shape(b, width));
        out.initialize(manager, dataType, new Shape(b, width));
    }
}
