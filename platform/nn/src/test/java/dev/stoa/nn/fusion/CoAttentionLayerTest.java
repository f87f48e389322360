package dev.stoa.nn.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoAttentionLayerTest {

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private CoAttentionLayer layer() {
        return CoAttentionLayer.builder()
                .setVision(12, 3)
                .setLanguage(8, 2)
                .optMlpRatio(2f)
                .build();
    }

    @Test
    void eachStreamReadsTheOtherAsTheFormulaSays() {
        CoAttentionLayer layer = layer();
        NDArray v = manager.randomNormal(new Shape(2, 5, 12));
        NDArray l = manager.randomNormal(new Shape(2, 4, 8));
        NDArray lKeep = manager.create(new int[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 4));
        NDArray vKeep = manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 5));
        layer.initialize(manager, DataType.FLOAT32, v.getShape(), l.getShape(), lKeep.getShape(), vKeep.getShape());
        NDList out = layer.forward(store, new NDList(v, l, lKeep, vKeep), false);

        // the formula, from the layer's own sublayers: v' = v + A_v(LN_v v, LN_l l, lMask), v'' = v' + MLP_v(v')
        NDArray vn = child(layer, "vision_norm", v);
        NDArray ln = child(layer, "language_norm", l);
        NDArray v1 = v.add(child(layer, "vision_co_attention", vn, ln, lKeep));
        NDArray l1 = l.add(child(layer, "language_co_attention", ln, vn, vKeep));
        NDArray v2 = v1.add(mlp(layer, "vision", v1));
        NDArray l2 = l1.add(mlp(layer, "language", l1));
        assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 5, 12));
        assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 4, 8));
        assertThat(out.get(0).sub(v2).abs().max().getFloat()).isLessThan(1e-5f);
        assertThat(out.get(1).sub(l2).abs().max().getFloat()).isLessThan(1e-5f);
    }

    @Test
    void visionChangesWithTheWordsButNotWithMaskedOnes() {
        CoAttentionLayer layer = layer();
        NDArray v = manager.randomNormal(new Shape(2, 5, 12));
        NDArray l = manager.randomNormal(new Shape(2, 4, 8));
        NDArray lKeep = manager.create(new int[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 4));
        layer.initialize(manager, DataType.FLOAT32, v.getShape(), l.getShape(), lKeep.getShape());
        NDArray before = layer.forward(store, new NDList(v, l, lKeep), false).get(0);

        // a masked word (row 1, position 3) changes nothing in the visual stream
        NDArray masked = l.duplicate();
        masked.set(new NDIndex("1, 3, :"), manager.randomNormal(new Shape(8)));
        NDArray afterMasked =
                layer.forward(store, new NDList(v, masked, lKeep), false).get(0);
        assertThat(afterMasked.sub(before).abs().max().getFloat()).isLessThan(1e-6f);

        // a visible word (row 0, position 0) changes row 0's visual tokens, and only row 0's
        NDArray visible = l.duplicate();
        visible.set(new NDIndex("0, 0, :"), manager.randomNormal(new Shape(8)));
        NDArray afterVisible =
                layer.forward(store, new NDList(v, visible, lKeep), false).get(0);
        assertThat(afterVisible.get(0).sub(before.get(0)).abs().max().getFloat())
                .isGreaterThan(1e-3f);
        assertThat(afterVisible.get(1).sub(before.get(1)).abs().max().getFloat())
                .isLessThan(1e-6f);
    }

    @Test
    void everyParameterGetsAGradient() {
        CoAttentionLayer layer = layer();
        NDArray v = manager.randomNormal(new Shape(2, 5, 12));
        NDArray l = manager.randomNormal(new Shape(2, 4, 8));
        layer.initialize(manager, DataType.FLOAT32, v.getShape(), l.getShape());
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDList out = layer.forward(store, new NDList(v, l), true);
            collector.backward(out.get(0)
                    .mul(manager.randomNormal(out.get(0).getShape()))
                    .sum()
                    .add(out.get(1)
                            .mul(manager.randomNormal(out.get(1).getShape()))
                            .sum()));
        }
        // per stream: 2 norms x 2 + attention 4 x 2 + MLP 2 x 2 = 16
        assertThat(layer.getParameters().size()).isEqualTo(32);
        for (Pair<String, Parameter> p : layer.getParameters()) {
            NDArray gradient = p.getValue().getArray().getGradient();
            assertThat(gradient.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
        }
    }

    @Test
    void wrongWidthsAndMasksAreRefusedWithTheExpectedShapes() {
        CoAttentionLayer layer = layer();
        assertThatThrownBy(() -> layer.getOutputShapes(new Shape[] {new Shape(2, 5, 8), new Shape(2, 4, 8)}))
                .hasMessageContaining("v (B, S, 12)");
        assertThatThrownBy(() ->
                        layer.getOutputShapes(new Shape[] {new Shape(2, 5, 12), new Shape(2, 4, 8), new Shape(2, 5)}))
                .hasMessageContaining("lMask (B, T)");
        assertThatThrownBy(() -> CoAttentionLayer.builder()
                        .setVision(12, 5)
                        .setLanguage(8, 2)
                        .build())
                .hasMessageContaining("multiple");
    }

    private NDArray child(Block layer, String name, NDArray... inputs) {
        return named(layer, name).forward(store, new NDList(inputs), false).head();
    }

    /** DJL prefixes a child's name with its index ("01vision_norm"). */
    static Block named(Block parent, String name) {
        for (Pair<String, Block> child : parent.getChildren()) {
            if (child.getKey().replaceFirst("^\\d+", "").equals(name)) {
                return child.getValue();
            }
        }
        throw new AssertionError(
                "no child " + name + " in " + parent.getChildren().keys());
    }

    private NDArray mlp(Block layer, String stream, NDArray x) {
        NDArray h = child(layer, stream + "_mlp_norm", x);
        h = Activation.gelu(child(layer, stream + "_mlp_in", h));
        return child(layer, stream + "_mlp_out", h);
    }
}
