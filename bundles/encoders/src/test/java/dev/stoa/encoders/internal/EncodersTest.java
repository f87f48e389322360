package dev.stoa.encoders.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EncodersTest {

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void vitMapsImagesToOneVectorOfItsWidth() {
        Map<String, Object> h = Map.of("image_size", 16, "patch_size", 4, "width", 32, "layers", 1, "heads", 2);
        VitEncoderFactory factory = new VitEncoderFactory();
        Block vit = factory.create(h);
        NDArray images = manager.randomNormal(new Shape(3, 3, 16, 16));
        vit.initialize(manager, DataType.FLOAT32, images.getShape());
        NDArray out = vit.forward(store, new NDList(images), false).head();
        assertThat(out.getShape()).isEqualTo(new Shape(3, 32));
        assertThat(factory.outputDimension(h)).isEqualTo(32);
        assertThat(vit.getOutputShapes(new Shape[] {images.getShape()})[0]).isEqualTo(new Shape(3, 32));
    }

    @Test
    void vitGradientReachesEveryParameter() {
        Block vit = new VitEncoderFactory()
                .create(Map.of("image_size", 16, "patch_size", 8, "width", 16, "layers", 2, "heads", 2));
        NDArray images = manager.randomNormal(new Shape(2, 3, 16, 16));
        vit.initialize(manager, DataType.FLOAT32, images.getShape());
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = vit.forward(store, new NDList(images), true).head();
            // a weighted sum: the plain sum of a LayerNorm's output has a zero gradient by construction
            collector.backward(out.mul(manager.randomNormal(out.getShape())).sum());
        }
        int checked = 0;
        for (Pair<String, Parameter> p : vit.getParameters()) {
            NDArray gradient = p.getValue().getArray().getGradient();
            assertThat(gradient.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
            checked++;
        }
        // patch projection, class token, positions, ln_pre (2), ln_post (2), and per layer: q, k, v, o weights and
        // biases (8), two layer norms (4), two MLP weights and biases (4)
        assertThat(checked).isEqualTo(1 + 1 + 1 + 2 + 2 + 2 * 16);
    }

    @Test
    void vitRefusesImagesOfAnotherSize() {
        Block vit = new VitEncoderFactory().create(Map.of("image_size", 16, "patch_size", 8, "width", 16, "heads", 2));
        vit.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 16, 16));
        assertThatThrownBy(() -> vit.forward(store, new NDList(manager.zeros(new Shape(1, 3, 32, 32))), false))
                .hasMessageContaining("image_size");
    }

    @Test
    void resnetPoolsOrReturnsTheLastFeatureMapAsTokens() {
        NDArray images = manager.randomNormal(new Shape(2, 3, 32, 24));
        Block pooled = new ResNetEncoderFactory().create(Map.of("widths", "8,16,24"));
        pooled.initialize(manager, DataType.FLOAT32, images.getShape());
        assertThat(pooled.forward(store, new NDList(images), false).head().getShape())
                .isEqualTo(new Shape(2, 24));

        Block tokens = new ResNetEncoderFactory()
                .create(Map.of("widths", "8,16,24", "blocks_per_stage", 2, "output", "tokens"));
        tokens.initialize(manager, DataType.FLOAT32, images.getShape());
        // stem /2, then stages at strides 1, 2, 2: 32x24 -> 16x12 -> 8x6 -> 4x3 = 12 tokens
        NDArray out = tokens.forward(store, new NDList(images), true).head();
        assertThat(out.getShape()).isEqualTo(new Shape(2, 12, 24));
        assertThat(new ResNetEncoderFactory().outputDimension(Map.of("widths", "8,16,24")))
                .isEqualTo(24);
    }

    @Test
    void textTransformerShapesForBothPoolings() {
        for (boolean causal : new boolean[] {true, false}) {
            Block text = new TextTransformerFactory()
                    .create(Map.of("context_length", 8, "width", 16, "heads", 2, "causal", causal));
            NDArray ids =
                    manager.create(new long[] {1, 10, 11, 2, 0, 0, 0, 0, 1, 12, 2, 0, 0, 0, 0, 0}, new Shape(2, 8));
            NDArray lengths = manager.create(new long[] {4, 3});
            text.initialize(manager, DataType.FLOAT32, ids.getShape(), lengths.getShape());
            assertThat(text.forward(store, new NDList(ids, lengths), false)
                            .head()
                            .getShape())
                    .isEqualTo(new Shape(2, 16));
        }
    }

    @Test
    void causalTextEmbeddingIgnoresTokensAfterTheEndOfText() {
        Block text = new TextTransformerFactory().create(Map.of("context_length", 8, "width", 16, "heads", 2));
        NDArray lengths = manager.create(new long[] {4});
        NDArray ids = manager.create(new long[] {1, 10, 11, 2, 0, 0, 0, 0}, new Shape(1, 8));
        NDArray changed = manager.create(new long[] {1, 10, 11, 2, 99, 5, 7, 250}, new Shape(1, 8));
        NDArray earlier = manager.create(new long[] {1, 10, 12, 2, 0, 0, 0, 0}, new Shape(1, 8));
        text.initialize(manager, DataType.FLOAT32, ids.getShape(), lengths.getShape());
        float[] a = text.forward(store, new NDList(ids, lengths), false).head().toFloatArray();
        float[] b =
                text.forward(store, new NDList(changed, lengths), false).head().toFloatArray();
        float[] c =
                text.forward(store, new NDList(earlier, lengths), false).head().toFloatArray();
        assertThat(b).containsExactly(a, Offset.offset(1e-6f));
        // a token before the end of text does count, so the check above is not vacuous
        assertThat(maxAbsDifference(a, c)).isGreaterThan(1e-3f);
    }

    @Test
    void bidirectionalTextEmbeddingIgnoresPaddingButSeesEveryRealToken() {
        Block text = new TextTransformerFactory()
                .create(Map.of("context_length", 6, "width", 16, "heads", 2, "causal", false));
        NDArray lengths = manager.create(new long[] {3});
        NDArray ids = manager.create(new long[] {1, 10, 2, 0, 0, 0}, new Shape(1, 6));
        NDArray padded = manager.create(new long[] {1, 10, 2, 40, 41, 42}, new Shape(1, 6));
        NDArray later = manager.create(new long[] {1, 11, 2, 0, 0, 0}, new Shape(1, 6));
        text.initialize(manager, DataType.FLOAT32, ids.getShape(), lengths.getShape());
        float[] a = text.forward(store, new NDList(ids, lengths), false).head().toFloatArray();
        float[] b =
                text.forward(store, new NDList(padded, lengths), false).head().toFloatArray();
        float[] c =
                text.forward(store, new NDList(later, lengths), false).head().toFloatArray();
        assertThat(b).containsExactly(a, Offset.offset(1e-5f));
        // the [CLS] output at position 0 sees token 1 (bidirectional), unlike a causal tower's first token
        assertThat(maxAbsDifference(a, c)).isGreaterThan(1e-3f);
    }

    @Test
    void unknownOrBadHyperparametersAreConfigErrorsNamingTheKey() {
        assertThatThrownBy(() -> new VitEncoderFactory().create(Map.of("patch", 8)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("'patch'")
                .hasMessageContaining("patch_size");
        assertThatThrownBy(() -> new VitEncoderFactory().create(Map.of("image_size", 30, "patch_size", 8)))
                .hasMessageContaining("patch_size");
        assertThatThrownBy(() -> new TextTransformerFactory().create(Map.of("width", 30, "heads", 4)))
                .hasMessageContaining("heads");
        assertThatThrownBy(() -> new ResNetEncoderFactory().create(Map.of("output", "map")))
                .hasMessageContaining("pooled, tokens");
        assertThatThrownBy(() -> new ResNetEncoderFactory().create(Map.of("widths", "32,x")))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'widths'")
                .hasMessageContaining("32,64,128");
    }

    private static float maxAbsDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
