package dev.stoa.encoders.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.onnx.OnnxExportable;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.onnx.OnnxValue;
import java.util.List;

/**
 * A ResNet-style convolutional image encoder (He et al. 2016), small enough to train here:
 *
 * <pre>
 * x = ReLU(BN(conv3x3_2(images)))                         stem, stride 2: (B, 3, H, W) -> (B, C_0, H/2, W/2)
 * x = stage_k(x), k = 0..K-1                              n residual blocks of width C_k; stride 2 from k = 1 on
 * pooled:  y = mean_{h,w} x                               global average pool: (B, C_{K-1})
 * tokens:  y = x as (B, h·w, C_{K-1})                     the feature map as patch tokens, row-major
 * </pre>
 *
 * <p>The {@code tokens} output is SimVLM's convolutional stage (Wang et al. 2022: the first ResNet blocks turn the
 * image into contextualised patches for a transformer, found better than a linear patch projection). Input:
 * {@code [images (B, 3, H, W)]}, any H and W; output {@code [(B, D)]} or {@code [(B, N, D)]}, D = C_{K-1},
 * N = ⌈H/2^K⌉·⌈W/2^K⌉.
 */
final class ResNetEncoder extends AbstractBlock implements OnnxExportable {

    private static final byte VERSION = 1;

    private final boolean tokens;
    private final int width;
    private final SequentialBlock body;

    ResNetEncoder(int[] widths, int blocksPerStage, boolean tokens) {
        super(VERSION);
        this.tokens = tokens;
        this.width = widths[widths.length - 1];
        SequentialBlock b = new SequentialBlock()
                .add(ResidualBlock.conv(widths[0], 3, 2))
                .add(BatchNorm.builder().build())
                .add(Activation::relu);
        int in = widths[0];
        for (int k = 0; k < widths.length; k++) {
            for (int i = 0; i < blocksPerStage; i++) {
                b.add(new ResidualBlock(in, widths[k], k > 0 && i == 0 ? 2 : 1));
                in = widths[k];
            }
        }
        body = addChildBlock("body", b);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        checkImages(inputs.singletonOrThrow().getShape());
        NDArray map = body.forward(ps, inputs, training, params).head(); // (B, C, h, w)
        if (!tokens) {
            // one axis at a time: PyTorch's DJL mean takes a single axis
            return new NDList(map.mean(new int[] {3}).mean(new int[] {2}));
        }
        Shape s = map.getShape();
        return new NDList(map.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkImages(inputShapes[0]);
        Shape map = body.getOutputShapes(inputShapes)[0];
        return new Shape[] {
            tokens ? new Shape(map.get(0), map.get(2) * map.get(3), width) : new Shape(map.get(0), width)
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkImages(inputShapes[0]);
        body.initialize(manager, dataType, inputShapes);
    }

    private static void checkImages(Shape images) {
        if (images.dimension() != 4 || images.get(1) != 3) {
            throw new IllegalArgumentException("expected images (B, 3, H, W), got " + images);
        }
    }

    @Override
    public List<OnnxValue> toOnnx(OnnxGraph graph, String name, List<OnnxValue> inputs) {
        return EncoderOnnx.resnet(this, tokens, graph, name, inputs);
    }
}
