package dev.stoa.nn.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** SAM's two-way layer against its formula, computed step by step from its own sublayers, and its symmetries. */
class TwoWayAttentionLayerTest {

    private static NDArray run(Block b, ParameterStore ps, NDArray... in) {
        return b.forward(ps, new NDList(in), false).head();
    }

    @Test
    void outputsFollowTheFourStepsWithPositionsOnQueriesAndKeys() {
        Engine.getEngine("PyTorch").setRandomSeed(4);
        for (boolean skip : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                TwoWayAttentionLayer layer = TwoWayAttentionLayer.builder()
                        .setEmbeddingSize(8)
                        .setHeadCount(2)
                        .optMlpSize(16)
                        .optSkipFirstPositions(skip)
                        .build();
                Shape qs = new Shape(2, 3, 8);
                Shape ks = new Shape(2, 5, 8);
                layer.initialize(m, DataType.FLOAT32, qs, ks, qs, new Shape(1, 5, 8));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray q = m.randomNormal(qs);
                NDArray k = m.randomNormal(ks);
                NDArray pq = m.randomNormal(qs);
                NDArray pk = m.randomNormal(new Shape(1, 5, 8));
                NDList out = layer.forward(ps, new NDList(q, k, pq, pk), false);

                java.util.function.Function<String, Block> c = name -> layer.getChildren().stream()
                        .filter(e -> e.getKey().endsWith(name))
                        .findFirst()
                        .orElseThrow()
                        .getValue();
                NDArray sq = skip ? q : q.add(pq);
                NDArray a = run(c.apply("self_attention"), ps, sq, sq);
                NDArray eq = run(c.apply("norm1"), ps, skip ? a : q.add(a));
                eq = run(c.apply("norm2"), ps, eq.add(run(c.apply("token_to_image"), ps, eq.add(pq), k.add(pk))));
                NDArray h = run(
                        c.apply("mlp_out"), ps, run(c.apply("mlp_in"), ps, eq).maximum(0f));
                eq = run(c.apply("norm3"), ps, eq.add(h));
                NDArray ek =
                        run(c.apply("norm4"), ps, k.add(run(c.apply("image_to_token"), ps, k.add(pk), eq.add(pq))));
                assertThat(out.get(0).toFloatArray()).containsExactly(eq.toFloatArray(), within(1e-5f));
                assertThat(out.get(1).toFloatArray()).containsExactly(ek.toFloatArray(), within(1e-5f));
                assertThat(out.get(0).getShape()).isEqualTo(qs);
                assertThat(out.get(1).getShape()).isEqualTo(ks);
                // post-norm: every output token has mean 0 and variance 1 (LayerNorm's gain 1, bias 0 at start)
                assertThat(out.get(1).mean(new int[] {2}).abs().max().getFloat())
                        .isLessThan(1e-4f);
            }
        }
    }

    @Test
    void permutingImageTokensPermutesTheImageOutputAndLeavesTheTokensAlone() {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TwoWayAttentionLayer layer = TwoWayAttentionLayer.builder()
                    .setEmbeddingSize(8)
                    .setHeadCount(2)
                    .build();
            Shape qs = new Shape(1, 2, 8);
            Shape ks = new Shape(1, 4, 8);
            layer.initialize(m, DataType.FLOAT32, qs, ks, qs, ks);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray q = m.randomNormal(qs);
            NDArray k = m.randomNormal(ks);
            NDArray pq = m.randomNormal(qs);
            NDArray pk = m.randomNormal(ks);
            NDArray order = m.create(new long[] {2, 0, 3, 1});
            NDList a = layer.forward(ps, new NDList(q, k, pq, pk), false);
            NDList b = layer.forward(ps, new NDList(q, k.get(":, {}", order), pq, pk.get(":, {}", order)), false);
            assertThat(b.get(0).toFloatArray()).containsExactly(a.get(0).toFloatArray(), within(1e-5f));
            assertThat(b.get(1).toFloatArray())
                    .containsExactly(a.get(1).get(":, {}", order).toFloatArray(), within(1e-5f));
        }
    }
}
