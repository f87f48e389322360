package dev.stoa.nn.pool;

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
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PoolersTest {

    private NDManager manager;
    private ParameterStore store;
    /** x[b, t, k] = 100 b + 10 t + k, so each pooled value says where it came from. */
    private NDArray x;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
        float[] values = new float[2 * 4 * 3];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                for (int k = 0; k < 3; k++) {
                    values[(b * 4 + t) * 3 + k] = 100 * b + 10 * t + k;
                }
            }
        }
        x = manager.create(values, new Shape(2, 4, 3));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void clsPoolerTakesTheFirstToken() {
        ClsPooler pooler = new ClsPooler();
        assertThat(pooler.getOutputShapes(new Shape[] {x.getShape()})).containsExactly(new Shape(2, 3));
        assertThat(pooler.forward(store, new NDList(x), false).head().toFloatArray())
                .containsExactly(0, 1, 2, 100, 101, 102);
    }

    @Test
    void meanPoolerAveragesOnlyRealTokens() {
        MeanPooler pooler = new MeanPooler();
        NDArray keep = manager.create(new int[] {1, 1, 1, 0, 1, 0, 0, 0}, new Shape(2, 4));
        // b0: mean of t = 0, 1, 2 -> 10 t mean 10; b1: t = 0 only
        assertThat(pooler.forward(store, new NDList(x, keep), false).head().toFloatArray())
                .containsExactly(10, 11, 12, 100, 101, 102);
        // unmasked: t = 0..3 -> mean 15
        assertThat(pooler.forward(store, new NDList(x), false).head().toFloatArray())
                .containsExactly(15, 16, 17, 115, 116, 117);
        NDArray none = manager.zeros(new Shape(2, 4), DataType.INT32);
        assertThat(pooler.forward(store, new NDList(x, none), false).head().toFloatArray())
                .containsOnly(0f);
    }

    @Test
    void endOfTextPoolerTakesTheHighestIdOrTheGivenPosition() {
        EndOfTextPooler pooler = new EndOfTextPooler();
        // CLIP-style ids: start 49406, end 49407 (the highest), padding 0
        NDArray ids = manager.create(new long[] {49406, 320, 49407, 0, 49406, 49407, 0, 0}, new Shape(2, 4));
        assertThat(pooler.forward(store, new NDList(x, ids), false).head().toFloatArray())
                .containsExactly(20, 21, 22, 110, 111, 112);
        NDArray positions = manager.create(new int[] {3, 0});
        assertThat(pooler.forward(store, new NDList(x, positions), false).head().toFloatArray())
                .containsExactly(30, 31, 32, 100, 101, 102);
        assertThatThrownBy(() -> pooler.forward(store, new NDList(x), false)).hasMessageContaining("ids (B, T)");
    }

    @Test
    void attentionalPoolerGivesNVectorsIgnoresMaskedContextAndLearnsItsQueries() {
        AttentionalPooler pooler = AttentionalPooler.builder()
                .setEmbeddingSize(8)
                .setHeadCount(2)
                .setQueryCount(3)
                .build();
        NDArray context = manager.randomNormal(new Shape(2, 5, 6));
        NDArray keep = manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, new Shape(2, 5));
        pooler.initialize(manager, DataType.FLOAT32, context.getShape(), keep.getShape());
        assertThat(pooler.getOutputShapes(new Shape[] {context.getShape()})).containsExactly(new Shape(2, 3, 8));

        NDArray before = pooler.forward(store, new NDList(context, keep), false).head();
        assertThat(before.getShape()).isEqualTo(new Shape(2, 3, 8));
        NDArray changed = context.duplicate();
        changed.set(new NDIndex("1, 3:"), 50f);
        NDArray after = pooler.forward(store, new NDList(changed, keep), false).head();
        assertThat((double) after.sub(before).abs().max().getFloat()).isCloseTo(0, within(1e-6));

        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray y = pooler.forward(store, new NDList(context, keep), true).head();
            collector.backward(y.mul(manager.randomNormal(y.getShape())).sum());
        }
        for (Pair<String, Parameter> p : pooler.getParameters()) {
            assertThat(p.getValue().getArray().getGradient().abs().sum().getFloat())
                    .as(p.getKey())
                    .isGreaterThan(0f);
        }
    }
}
