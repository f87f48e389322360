package dev.stoa.nn.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.stoa.nn.attention.AttentionMasks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransformerLayerTest {

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void stackKeepsTheShapeAndEveryParameterGetsAGradient() {
        TransformerStack stack = TransformerStack.builder()
                .setLayerCount(2)
                .setEmbeddingSize(8)
                .setHeadCount(2)
                .optMlpRatio(2f)
                .build();
        NDArray x = manager.randomNormal(new Shape(3, 5, 8));
        NDArray mask = AttentionMasks.and(
                AttentionMasks.causal(manager, 5),
                AttentionMasks.padding(
                        manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, new Shape(3, 5))));
        stack.initialize(manager, DataType.FLOAT32, x.getShape(), mask.getShape());
        assertThat(stack.getOutputShapes(new Shape[] {x.getShape(), mask.getShape()}))
                .containsExactly(new Shape(3, 5, 8));
        // 2 layers x (2 norms x 2 + attention 4 x 2 + MLP 2 x 2)
        assertThat(stack.getParameters().size()).isEqualTo(2 * (4 + 8 + 4));

        assertEveryParameterLearns(stack, new NDList(x, mask), new Shape(3, 5, 8));
    }

    @Test
    void crossAttentionLayerReadsTheContextAndEveryParameterGetsAGradient() {
        TransformerLayer layer = TransformerLayer.builder()
                .setEmbeddingSize(8)
                .setHeadCount(4)
                .optCrossAttention(true)
                .build();
        NDArray x = manager.randomNormal(new Shape(2, 4, 8));
        NDArray context = manager.randomNormal(new Shape(2, 6, 12));
        NDArray contextKeep = manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, new Shape(2, 6));
        NDArray causal = AttentionMasks.causal(manager, 4);
        layer.initialize(
                manager, DataType.FLOAT32, x.getShape(), causal.getShape(), context.getShape(), contextKeep.getShape());
        assertThat(layer.hasCrossAttention()).isTrue();

        assertEveryParameterLearns(layer, new NDList(x, causal, context, contextKeep), new Shape(2, 4, 8));

        // a different (unmasked) context changes the output; masked context positions do not
        NDArray before = layer.forward(store, new NDList(x, causal, context, contextKeep), false)
                .head();
        NDArray other = context.duplicate();
        other.set(new NDIndex("1, 3:"), 100f);
        NDArray maskedChange = layer.forward(store, new NDList(x, causal, other, contextKeep), false)
                .head();
        assertThat(maskedChange.sub(before).abs().max().getFloat()).isEqualTo(0f);
        other.set(new NDIndex("1, 0"), 100f);
        NDArray visibleChange = layer.forward(store, new NDList(x, causal, other, contextKeep), false)
                .head();
        assertThat(visibleChange.sub(before).abs().max().getFloat()).isGreaterThan(1e-3f);
    }

    @Test
    void causalLayerOutputAtAPositionIgnoresLaterTokens() {
        TransformerLayer layer =
                TransformerLayer.builder().setEmbeddingSize(8).setHeadCount(2).build();
        NDArray x = manager.randomNormal(new Shape(1, 4, 8));
        NDArray causal = AttentionMasks.causal(manager, 4);
        layer.initialize(manager, DataType.FLOAT32, x.getShape(), causal.getShape());
        float[] before =
                layer.forward(store, new NDList(x, causal), false).head().toFloatArray();
        NDArray changed = x.duplicate();
        changed.set(new NDIndex("0, 3"), 5f);
        float[] after =
                layer.forward(store, new NDList(changed, causal), false).head().toFloatArray();
        for (int i = 0; i < 3 * 8; i++) {
            assertThat(after[i]).as("position %d", i / 8).isEqualTo(before[i]);
        }
        assertThat(after[3 * 8]).isNotEqualTo(before[3 * 8]);
    }

    @Test
    void layerIsTheIdentityWhenBothSublayersOutputZero() {
        // pre-LN residual form: x + f(LN(x)) + g(LN(·)); zero output projections leave x unchanged, whereas a
        // post-LN layer (DJL's TransformerEncoderBlock) would return LN(x)
        TransformerLayer layer =
                TransformerLayer.builder().setEmbeddingSize(4).setHeadCount(1).build();
        NDArray x = manager.create(new float[] {3, -1, 2, 7, 0.5f, 0.5f, 9, -4}, new Shape(1, 2, 4));
        layer.initialize(manager, DataType.FLOAT32, x.getShape());
        for (Pair<String, Parameter> p : layer.getParameters()) {
            if (p.getKey().contains("attention_") && p.getKey().contains("output_")
                    || p.getKey().contains("mlp_out_")) {
                p.getValue().getArray().muli(0);
            }
        }
        float[] y = layer.forward(store, new NDList(x), false).head().toFloatArray();
        float[] expected = x.toFloatArray();
        for (int i = 0; i < y.length; i++) {
            assertThat((double) y[i]).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Test
    void savedParametersLoadIntoAFreshStackAndGiveTheSameOutput() throws Exception {
        TransformerStack saved = TransformerStack.builder()
                .setLayerCount(2)
                .setEmbeddingSize(4)
                .setHeadCount(2)
                .optCrossAttention(true)
                .build();
        NDArray x = manager.randomNormal(new Shape(1, 3, 4));
        NDArray mask = AttentionMasks.causal(manager, 3);
        NDArray context = manager.randomNormal(new Shape(1, 2, 5));
        NDList inputs = new NDList(x, mask, context);
        saved.initialize(manager, DataType.FLOAT32, inputs.getShapes());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        saved.saveParameters(new DataOutputStream(bytes));

        TransformerStack loaded = TransformerStack.builder()
                .setLayerCount(2)
                .setEmbeddingSize(4)
                .setHeadCount(2)
                .optCrossAttention(true)
                .build();
        loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(loaded.forward(store, inputs, false).head().toFloatArray())
                .containsExactly(saved.forward(store, inputs, false).head().toFloatArray());
    }

    @Test
    void wrongInputsAreRejectedWithTheExpectedForm() {
        TransformerLayer cross = TransformerLayer.builder()
                .setEmbeddingSize(4)
                .setHeadCount(2)
                .optCrossAttention(true)
                .build();
        assertThatThrownBy(() -> cross.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 4)))
                .hasMessageContaining("[x, mask, context]");
        assertThatThrownBy(() -> TransformerStack.builder()
                        .setEmbeddingSize(4)
                        .setHeadCount(2)
                        .build())
                .hasMessageContaining("layer count");
        assertThatThrownBy(() -> TransformerLayer.builder()
                        .setEmbeddingSize(6)
                        .setHeadCount(4)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void assertEveryParameterLearns(Block block, NDList inputs, Shape expected) {
        NDArray direction = manager.randomNormal(expected);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray y = block.forward(store, inputs, true).head();
            assertThat(y.getShape()).isEqualTo(expected);
            collector.backward(y.mul(direction).sum());
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray gradient = p.getValue().getArray().getGradient();
            assertThat(gradient.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
        }
    }
}
