package dev.stoa.nn.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.attention.KeyValueCache;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache-aware forward against the whole-sequence forward with a causal mask, on random weights. */
class KeyValueCacheTest {

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

    @Test
    void causalMaskAfterCachedPositionsLetsPositionIReachPPlusI() {
        boolean[] mask = AttentionMasks.causal(manager, 2, 3).toBooleanArray();
        // (1, 2, 5): row 0 (absolute 3) sees keys 0..3, row 1 (absolute 4) sees 0..4
        assertThat(mask).containsExactly(true, true, true, true, false, true, true, true, true, true);
        assertThat(AttentionMasks.causal(manager, 4, 0).toBooleanArray())
                .containsExactly(AttentionMasks.causal(manager, 4).toBooleanArray());
    }

    @Test
    void stackStepByStepEqualsTheWholeSequence() {
        TransformerStack stack = TransformerStack.builder()
                .setLayerCount(3)
                .setEmbeddingSize(16)
                .setHeadCount(4)
                .build();
        int length = 7;
        NDArray x = manager.randomNormal(new Shape(2, length, 16));
        NDArray causal = AttentionMasks.causal(manager, length);
        stack.initialize(manager, DataType.FLOAT32, x.getShape(), causal.getShape());
        NDArray full = stack.forward(store, new NDList(x, causal), false).head();

        // three positions at once, then one at a time
        TransformerStack.CachedOutput out =
                stack.forwardWithCache(store, x.get(":, 0:3, :"), AttentionMasks.causal(manager, 3, 0), null, false);
        assertThat(out.caches()).hasSize(3).allMatch(c -> c.length() == 3);
        NDArray steps = out.output();
        List<KeyValueCache> caches = out.caches();
        for (int t = 3; t < length; t++) {
            out = stack.forwardWithCache(store, x.get(":, " + t + ":" + (t + 1) + ", :"), null, caches, false);
            caches = out.caches();
            steps = steps.concat(out.output(), 1);
        }
        assertThat(caches.get(0).length()).isEqualTo(length);
        assertThat(caches.get(0).keys().getShape()).isEqualTo(new Shape(2, 4, length, 4));
        float maxDiff = full.sub(steps).abs().max().getFloat();
        assertThat(maxDiff).isLessThan(1e-5f);
        // without the mask's effect the step outputs would differ: the check is not vacuous
        NDArray unmasked = stack.forward(store, new NDList(x), false).head();
        assertThat(unmasked.sub(steps).abs().max().getFloat()).isGreaterThan(1e-3f);
    }

    @Test
    void crossAttentionLayersRefuseTheCache() {
        TransformerLayer layer = TransformerLayer.builder()
                .setEmbeddingSize(8)
                .setHeadCount(2)
                .optCrossAttention(true)
                .build();
        assertThatThrownBy(() -> layer.forwardWithCache(store, manager.zeros(new Shape(1, 1, 8)), null, null, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without cross-attention");
    }
}
