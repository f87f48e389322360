package dev.stoa.nn.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UNetTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private UNet conditioned() {
        UNet unet = UNet.builder()
                .setChannels(8)
                .setMultipliers(1, 2, 2)
                .optHeads(2)
                .optCondition(true)
                .optContext(true)
                .build();
        unet.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(2, 3, 16, 16),
                new Shape(2),
                new Shape(2, 12),
                new Shape(2, 5, 12));
        return unet;
    }

    /**
     * The U-Net as after some training: the convolutions that start at zero (each block's second, and the output) get
     * small random weights, so that every input can reach the output.
     */
    private UNet perturbed(UNet unet) {
        long seed = 10;
        for (Pair<String, Parameter> p : unet.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.abs().sum().getFloat() == 0f && p.getKey().endsWith("weight")) {
                w.set(normal(seed++, w.getShape()).mul(0.05f).toFloatArray());
            }
        }
        return unet;
    }

    @Test
    void aFreshUNetPredictsNoNoiseAndItsBlocksStartAsTheirSkipPaths() {
        UNet unet = conditioned();
        NDArray eps = unet.forward(
                        new ParameterStore(manager, false),
                        new NDList(
                                normal(1, new Shape(2, 3, 16, 16)),
                                manager.create(new float[] {3f, 700f}),
                                normal(2, new Shape(2, 12)),
                                normal(3, new Shape(2, 5, 12))),
                        false)
                .head();
        assertThat(DiffusionTest.maxAbs(eps)).isEqualTo(0f);
        TimestepResBlock block = new TimestepResBlock(8, 8);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 8, 4, 4), new Shape(1, 6));
        NDArray x = normal(5, new Shape(1, 8, 4, 4));
        NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x, normal(6, new Shape(1, 6))), false)
                .head();
        assertThat(DiffusionTest.maxAbs(y.sub(x))).isEqualTo(0f);
    }

    private NDArray normal(long seed, Shape shape) {
        return GaussianNoise.array(manager, new SplittableRandom(seed), shape);
    }

    @Test
    void everyParameterGetsAGradientAndTheOutputHasTheImageShape() {
        UNet unet = perturbed(conditioned());
        ParameterStore store = new ParameterStore(manager, false);
        NDList in = new NDList(
                normal(1, new Shape(2, 3, 16, 16)),
                manager.create(new float[] {3f, 700f}),
                normal(2, new Shape(2, 12)),
                normal(3, new Shape(2, 5, 12)));
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray eps = unet.forward(store, in, true).head();
            assertThat(eps.getShape()).isEqualTo(new Shape(2, 3, 16, 16));
            collector.backward(eps.mul(normal(4, eps.getShape())).sum());
        }
        for (Pair<String, Parameter> p : unet.getParameters()) {
            NDArray gradient = p.getValue().getArray().getGradient();
            assertThat(gradient.isNaN().any().getBoolean()).as(p.getKey()).isFalse();
            assertThat(gradient.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
        }
    }

    @Test
    void theTimestepThePooledConditionAndTheTokensEachChangeTheOutput() {
        UNet unet = perturbed(conditioned());
        ParameterStore store = new ParameterStore(manager, false);
        NDArray x = normal(1, new Shape(2, 3, 16, 16));
        NDArray t = manager.create(new float[] {100f, 100f});
        NDArray cond = normal(2, new Shape(2, 12));
        NDArray tokens = normal(3, new Shape(2, 5, 12));
        NDArray base =
                unet.forward(store, new NDList(x, t, cond, tokens), false).head();
        NDArray otherT = unet.forward(
                        store, new NDList(x, manager.create(new float[] {900f, 900f}), cond, tokens), false)
                .head();
        NDArray otherCond = unet.forward(store, new NDList(x, t, cond.mul(-1f), tokens), false)
                .head();
        NDArray otherTokens = unet.forward(store, new NDList(x, t, cond, tokens.mul(-1f)), false)
                .head();
        NDArray again =
                unet.forward(store, new NDList(x, t, cond, tokens), false).head();
        assertThat(DiffusionTest.maxAbs(again.sub(base))).isLessThan(1e-6f);
        assertThat(DiffusionTest.maxAbs(otherT.sub(base))).isGreaterThan(1e-4f);
        assertThat(DiffusionTest.maxAbs(otherCond.sub(base))).isGreaterThan(1e-4f);
        assertThat(DiffusionTest.maxAbs(otherTokens.sub(base))).isGreaterThan(1e-4f);
        // the examples do not mix: changing the second image leaves the first one's output alone
        NDArray x2 = x.duplicate();
        x2.set(new ai.djl.ndarray.index.NDIndex("1"), 0f);
        NDArray mixed =
                unet.forward(store, new NDList(x2, t, cond, tokens), false).head();
        assertThat(DiffusionTest.maxAbs(mixed.get(0).sub(base.get(0)))).isLessThan(1e-5f);
    }

    @Test
    void anUnconditionalUNetTakesTheImageAndTheTimestepOnly() {
        UNet unet = UNet.builder().setChannels(8).setMultipliers(1, 2).build();
        unet.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8, 8), new Shape(1));
        NDArray eps = unet.forward(
                        new ParameterStore(manager, false),
                        new NDList(normal(1, new Shape(1, 3, 8, 8)), manager.create(new float[] {5f})),
                        false)
                .head();
        assertThat(eps.getShape()).isEqualTo(new Shape(1, 3, 8, 8));
        assertThatThrownBy(() -> unet.getOutputShapes(new Shape[] {new Shape(1, 3, 7, 8), new Shape(1)}))
                .hasMessageContaining("divisible by 2");
        assertThatThrownBy(() -> UNet.builder().setChannels(6).setMultipliers(1).build())
                .hasMessageContaining("multiple of 4");
        assertThatThrownBy(() -> UNet.builder()
                        .setChannels(8)
                        .setMultipliers(1, 2)
                        .optHeads(3)
                        .build())
                .hasMessageContaining("heads");
    }
}
