package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.image.NarrowOutputs;

/**
 * DALL-E's discrete VAE (Ramesh et al. 2021, section 2.1), small: an image of {@code S x S} becomes a grid of
 * {@code G x G} tokens, each one of K codebook entries, and a grid of tokens becomes an image.
 *
 * <pre>
 * logits = Enc(x)                                  (B, K, G, G)   two stride-2 convolutions: G = S / 4
 * y      = softmax((logits + g) / tau)  over K      g ~ Gumbel(0, 1): the Gumbel-softmax relaxation (training)
 * z      = C y                                     (B, d, G, G)   a mixture of the codebook's K vectors C (d x K)
 * x'     = Dec(z)                                  (B, 3, S, S)   twice: nearest 2x upsampling, a 3x3 convolution
 * </pre>
 *
 * At inference a token is {@code argmax_k logits} and z is its codebook vector ({@link #encode}, {@link #decode}):
 * the relaxation at {@code tau -> 0}. Pixels are {@link dev.stoa.nn.image.ImagePixels}' scale (white 2, black -2).
 *
 * <p>Training forward: {@code [x (B, 3, S, S), tau (1)] -> [x' (B, 3, S, S), x, logits (B, K, G, G)]}, what the
 * {@code dalle-dvae} loss takes.
 */
final class Dvae extends AbstractBlock {

    // 2: the last decoder convolution computes NarrowOutputs.filters(3) = 16 channels (was 8)
    private static final byte VERSION = 2;

    private final DvaeConfig config;
    private final SequentialBlock encoder;
    private final Conv2d codebook;
    private final SequentialBlock decoder;

    Dvae(DvaeConfig config) {
        super(VERSION);
        this.config = config;
        int h = config.hidden();
        encoder = addChildBlock(
                "encoder",
                new SequentialBlock()
                        .add(conv(h, 3, 1, 1))
                        .add(Activation.reluBlock())
                        .add(conv(h, 4, 2, 1))
                        .add(Activation.reluBlock())
                        .add(conv(h, 4, 2, 1))
                        .add(Activation.reluBlock())
                        .add(conv(h, 3, 1, 1))
                        .add(Activation.reluBlock())
                        // each cell's features standardised over the channels: the logits start at a spread of a
                        // few units, not tens, so the relaxation is not saturated (one code everywhere, no gradient)
                        .add(new LambdaBlock(list -> new NDList(standardised(list.head())), "standardise"))
                        .add(conv(config.codebook(), 1, 1, 0)));
        // the codebook: a 1x1 convolution without bias from K weights to d, i.e. C y for each grid cell
        codebook = addChildBlock(
                "codebook",
                Conv2d.builder()
                        .setKernelShape(new Shape(1, 1))
                        .setFilters(config.codeDim())
                        .optBias(false)
                        .build());
        decoder = addChildBlock(
                "decoder",
                new SequentialBlock()
                        .add(conv(h, 3, 1, 1))
                        .add(Activation.reluBlock())
                        .add(up(h))
                        .add(Activation.reluBlock())
                        .add(up(h))
                        .add(Activation.reluBlock())
                        // 16 channels, the first 3 kept: a convolution with fewer outputs than one oneDNN block
                        // gives NaN input gradients in its backward pass (NarrowOutputs)
                        .add(conv(NarrowOutputs.filters(3), 3, 1, 1))
                        .add(new LambdaBlock(list -> new NDList(NarrowOutputs.kept(list.head(), 3)), "rgb")));
    }

    private static Conv2d conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .setFilters(filters)
                .build();
    }

    /** Nearest-neighbour doubling of the side, then a 3x3 convolution (DJL's PyTorch engine has no transposed one). */
    private static SequentialBlock up(int filters) {
        return new SequentialBlock()
                .add(new LambdaBlock(list -> new NDList(doubled(list.head())), "upsample"))
                .add(conv(filters, 3, 1, 1));
    }

    /** @return x with each position's channels at mean 0 and variance 1 */
    static NDArray standardised(NDArray x) {
        NDArray mean = x.mean(new int[] {1}, true);
        NDArray centred = x.sub(mean);
        return centred.div(centred.square().mean(new int[] {1}, true).add(1e-5f).sqrt());
    }

    /** @return {@code (B, C, 2H, 2W)}: each pixel of x repeated in a 2x2 block */
    static NDArray doubled(NDArray x) {
        long[] s = x.getShape().getShape();
        NDArray rows =
                x.expandDims(3).broadcast(new Shape(s[0], s[1], s[2], 2, s[3])).reshape(s[0], s[1], 2 * s[2], s[3]);
        return rows.expandDims(4)
                .broadcast(new Shape(s[0], s[1], 2 * s[2], s[3], 2))
                .reshape(s[0], s[1], 2 * s[2], 2 * s[3]);
    }

    DvaeConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        float tau = inputs.get(1).toFloatArray()[0];
        NDArray logits = logits(ps, x, training);
        NDArray u = x.getManager().randomUniform(1e-6f, 1f - 1e-6f, logits.getShape());
        NDArray gumbel = u.log().neg().log().neg();
        NDArray y = logits.add(gumbel).div(tau).softmax(1);
        NDArray recon = decoder.forward(ps, codebook.forward(ps, new NDList(y), training), training)
                .head();
        return new NDList(recon, x, logits);
    }

    /** @return the encoder's logits over the codebook, {@code (B, K, G, G)} */
    NDArray logits(ParameterStore ps, NDArray x, boolean training) {
        return encoder.forward(ps, new NDList(x), training).head();
    }

    /**
     * @param ps where the parameters are read
     * @param x images {@code (B, 3, S, S)}
     * @return the tokens, {@code (B, G * G)} int64, row by row: the argmax of each cell's logits
     */
    NDArray encode(ParameterStore ps, NDArray x) {
        NDArray logits = logits(ps, x, false);
        long b = logits.getShape().get(0);
        return logits.argMax(1).reshape(b, config.tokens()).toType(DataType.INT64, false);
    }

    /**
     * @param ps where the parameters are read
     * @param tokens {@code (B, G * G)} int64, each from 0 to K - 1
     * @return images {@code (B, 3, S, S)}, each cell decoded from its codebook vector
     */
    NDArray decode(ParameterStore ps, NDArray tokens) {
        long b = tokens.getShape().get(0);
        int g = config.grid();
        NDArray oneHot = tokens.reshape(b, g, g)
                .oneHot(config.codebook())
                .toType(DataType.FLOAT32, false)
                .transpose(0, 3, 1, 2);
        return decoder.forward(ps, codebook.forward(ps, new NDList(oneHot), false), false)
                .head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        int g = config.grid();
        return new Shape[] {x, x, new Shape(x.get(0), config.codebook(), g, g)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        int g = config.grid();
        encoder.initialize(manager, dataType, x);
        codebook.initialize(manager, dataType, new Shape(x.get(0), config.codebook(), g, g));
        decoder.initialize(manager, dataType, new Shape(x.get(0), config.codeDim(), g, g));
    }
}
