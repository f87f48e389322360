package dev.stoa.nn.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The formulas of the schedule, the forward process, DDIM, guidance, the noise and the embeddings. */
class DiffusionTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void cosineAlphaBarIsMonotoneAndMatchesTheClosedForm() {
        NoiseSchedule s = NoiseSchedule.cosine(1000);
        double f0 = NoiseSchedule.cosineF(0, 1000);
        for (int t = 0; t < 1000; t++) {
            assertThat(s.alphaBar(t)).isLessThan(s.alphaBar(t - 1));
            assertThat(s.beta(t)).isBetween(0.0, NoiseSchedule.MAX_BETA);
            if (t < 990) { // the cap on beta only bites at the very end
                assertThat(s.alphaBar(t)).isCloseTo(NoiseSchedule.cosineF(t + 1, 1000) / f0, within(1e-9));
            }
        }
        assertThat(s.alphaBar(-1)).isEqualTo(1.0);
        assertThat(s.alphaBar(0)).isGreaterThan(0.999);
        assertThat(s.alphaBar(999)).isLessThan(1e-4);
        // half-way, cos((0.5 + s) / (1 + s) * pi / 2)^2 / f(0): about one half
        assertThat(s.alphaBar(499)).isCloseTo(0.49, within(0.02));
    }

    @Test
    void linearAlphaBarIsTheProductOfOneMinusBeta() {
        NoiseSchedule s = NoiseSchedule.linear(100, 1e-3, 0.05);
        double product = 1;
        for (int t = 0; t < 100; t++) {
            double beta = 1e-3 + (0.05 - 1e-3) * t / 99;
            assertThat(s.beta(t)).isCloseTo(beta, within(1e-12));
            product *= 1 - beta;
            assertThat(s.alphaBar(t)).isCloseTo(product, within(1e-12));
        }
        assertThat(NoiseSchedule.named("linear", 1000).beta(999)).isCloseTo(0.02, within(1e-12));
        assertThatThrownBy(() -> NoiseSchedule.named("sigmoid", 10)).hasMessageContaining("cosine or linear");
    }

    @Test
    void samplingTimestepsAreAnEvenDescendingSubsequence() {
        NoiseSchedule s = NoiseSchedule.cosine(1000);
        assertThat(s.samplingTimesteps(1)).containsExactly(999);
        assertThat(s.samplingTimesteps(4)).containsExactly(999, 666, 333, 0);
        int[] all = NoiseSchedule.cosine(10).samplingTimesteps(10);
        assertThat(all).containsExactly(9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        int[] some = s.samplingTimesteps(25);
        for (int i = 1; i < some.length; i++) {
            assertThat(some[i]).isLessThan(some[i - 1]);
        }
        assertThatThrownBy(() -> s.samplingTimesteps(1001)).hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> s.samplingTimesteps(0)).hasMessageContaining("1 to 1000");
    }

    @Test
    void noisingThenTheExactEpsilonRecoversX0() {
        GaussianDiffusion d = new GaussianDiffusion(NoiseSchedule.cosine(1000));
        Shape shape = new Shape(3, 3, 4, 4);
        NDArray x0 =
                GaussianNoise.array(manager, new SplittableRandom(1), shape).tanh();
        NDArray eps = GaussianNoise.array(manager, new SplittableRandom(2), shape);
        int[] t = {0, 400, 900};
        NDArray xt = d.noise(x0, eps, t);
        // each example by hand: sqrt(ab) x0 + sqrt(1 - ab) eps
        for (int b = 0; b < 3; b++) {
            double ab = d.schedule().alphaBar(t[b]);
            NDArray expected =
                    x0.get(b).mul((float) Math.sqrt(ab)).add(eps.get(b).mul((float) Math.sqrt(1 - ab)));
            assertThat(maxAbs(xt.get(b).sub(expected))).isLessThan(1e-5f);
        }
        assertThat(maxAbs(d.predictX0(xt, eps, t).sub(x0))).isLessThan(1e-3f);
        assertThatThrownBy(() -> d.noise(x0, eps, new int[] {0, 1})).hasMessageContaining("one timestep per example");
        assertThatThrownBy(() -> d.noise(x0, eps, new int[] {0, 1, 1000})).hasMessageContaining("0 to 999");
    }

    @Test
    void ddimWithTheTrueEpsilonOfOnePointReturnsIt() {
        GaussianDiffusion d = new GaussianDiffusion(NoiseSchedule.cosine(1000));
        Shape shape = new Shape(2, 3, 4, 4);
        NDArray point = GaussianNoise.array(manager, new SplittableRandom(3), shape)
                .tanh()
                .mul(0.9f);

        for (int steps : new int[] {1, 10, 50}) {
            NDArray xT = GaussianNoise.array(manager, new SplittableRandom(4), shape);
            List<Integer> done = new ArrayList<>();
            // the data is one point, so the true eps at x_t is (x_t - sqrt(ab) x0) / sqrt(1 - ab)
            Denoiser exact = (xt, t) -> {
                double ab = d.schedule().alphaBar(t);
                return xt.sub(point.mul((float) Math.sqrt(ab))).div((float) Math.sqrt(1 - ab));
            };
            NDArray x0 = d.sample(xT, steps, exact, false, (i, n) -> done.add(i));
            // float32: one step divides by sqrt(alphaBar_999), about 0.006
            assertThat(maxAbs(x0.sub(point))).as("%d steps", steps).isLessThan(5e-3f);
            assertThat(done).hasSize(steps).endsWith(steps);
            NDArray clipped = d.sample(xT, steps, exact, true, GaussianDiffusion.StepListener.NONE);
            assertThat(maxAbs(clipped.sub(point))).isLessThan(5e-3f);
        }
    }

    @Test
    void ddimStepWithClippingKeepsX0InRange() {
        GaussianDiffusion d = new GaussianDiffusion(NoiseSchedule.cosine(100));
        NDArray xt = manager.create(new float[] {0.5f, -0.2f}, new Shape(2, 1, 1, 1));
        NDArray eps = manager.create(new float[] {-3f, 0.1f}, new Shape(2, 1, 1, 1));
        NDArray x0 = d.ddimStep(xt, eps, 50, -1, true);
        float[] v = x0.toFloatArray();
        assertThat(v[0]).isEqualTo(1f);
        double ab = d.schedule().alphaBar(50);
        assertThat(v[1]).isCloseTo((float) ((-0.2 - Math.sqrt(1 - ab) * 0.1) / Math.sqrt(ab)), within(1e-5f));
        assertThatThrownBy(() -> d.ddimStep(xt, eps, 10, 10, true)).hasMessageContaining("go down");
    }

    @Test
    void guidanceInterpolatesAndExtrapolates() {
        NDArray uncond = manager.create(new float[] {1f, 2f, -1f});
        NDArray cond = manager.create(new float[] {3f, 0f, -1f});
        assertThat(ClassifierFreeGuidance.combine(uncond, cond, 0f).toFloatArray())
                .containsExactly(1f, 2f, -1f);
        assertThat(ClassifierFreeGuidance.combine(uncond, cond, 1f).toFloatArray())
                .containsExactly(3f, 0f, -1f);
        assertThat(ClassifierFreeGuidance.combine(uncond, cond, 3f).toFloatArray())
                .containsExactly(7f, -4f, -1f);
        // the batched form: first the conditional rows, then the unconditional ones
        Denoiser both = (xt, t) -> xt.getManager()
                .create(new float[] {3f, 0f, 1f, 2f}, new Shape(4, 1))
                .add(t);
        NDArray guided = ClassifierFreeGuidance.guided(both, 2f).epsilon(manager.zeros(new Shape(2, 1)), 1);
        // rows: uncond (2, 3), cond (4, 1) -> 2 + 2 (4 - 2) = 6, 3 + 2 (1 - 3) = -1
        assertThat(guided.toFloatArray()).containsExactly(6f, -1f);
    }

    @Test
    void noiseIsReproduciblePerSeedAndStandardNormal() {
        Shape shape = new Shape(4, 3, 16, 16);
        float[] a = GaussianNoise.draw(new SplittableRandom(7), shape);
        float[] b = GaussianNoise.draw(new SplittableRandom(7), shape);
        float[] c = GaussianNoise.draw(new SplittableRandom(8), shape);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        double sum = 0;
        double squares = 0;
        for (float v : a) {
            sum += v;
            squares += v * v;
        }
        assertThat(sum / a.length).isCloseTo(0, within(0.08));
        assertThat(squares / a.length).isCloseTo(1, within(0.08));
    }

    @Test
    void sinusoidalEmbeddingFollowsTheFormula() {
        NDArray e = TimestepEmbedding.sinusoidal(manager.create(new float[] {0f, 10f}), 8);
        assertThat(e.getShape()).isEqualTo(new Shape(2, 8));
        float[] v = e.toFloatArray();
        for (int i = 0; i < 4; i++) {
            double w = Math.pow(10000, -i / 4.0);
            assertThat(v[i]).isCloseTo(1f, within(1e-6f));
            assertThat(v[4 + i]).isCloseTo(0f, within(1e-6f));
            assertThat(v[8 + i]).isCloseTo((float) Math.cos(10 * w), within(1e-5f));
            assertThat(v[12 + i]).isCloseTo((float) Math.sin(10 * w), within(1e-5f));
        }
        assertThatThrownBy(() -> TimestepEmbedding.sinusoidal(manager.create(new float[] {0f}), 5))
                .hasMessageContaining("even");
    }

    @Test
    void groupNormNormalisesEachGroup() {
        GroupNorm norm = new GroupNorm(2, 4, 1e-5f);
        norm.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 4, 3, 3));
        NDArray x = GaussianNoise.array(manager, new SplittableRandom(9), new Shape(2, 4, 3, 3))
                .mul(manager.create(new float[] {1f, 5f, 0.5f, 2f}).reshape(1, 4, 1, 1))
                .add(3f);
        NDArray y = norm.forward(new ParameterStore(manager, false), new NDList(x), false)
                .head();
        NDArray groups = y.reshape(2, 2, -1);
        for (float m : groups.mean(new int[] {2}).toFloatArray()) {
            assertThat(m).isCloseTo(0f, within(1e-4f));
        }
        NDArray centred = groups.sub(groups.mean(new int[] {2}, true));
        for (float var : centred.mul(centred).mean(new int[] {2}).toFloatArray()) {
            assertThat(var).isCloseTo(1f, within(1e-3f));
        }
        assertThatThrownBy(() -> new GroupNorm(3, 4, 1e-5f)).hasMessageContaining("divide");
    }

    @Test
    void denoisingLossIsTheMeanSquaredError() {
        DenoisingLoss loss = new DenoisingLoss();
        NDArray pred = manager.create(new float[] {1f, 2f, 3f, 4f}, new Shape(2, 2));
        NDArray eps = manager.create(new float[] {1f, 0f, 3f, 1f}, new Shape(2, 2));
        var terms = loss.evaluate(new ParameterStore(manager, false), new NDList(pred, eps), false);
        assertThat(terms.total().getFloat()).isCloseTo((0 + 4 + 0 + 9) / 4f, within(1e-6f));
        assertThat(terms.parts()).containsOnlyKeys(DenoisingLoss.MSE);
        assertThatThrownBy(() ->
                        loss.evaluate(new ParameterStore(manager, false), new NDList(pred, eps.reshape(4)), false))
                .hasMessageContaining("one shape");
    }

    static float maxAbs(NDArray a) {
        return a.abs().max().getFloat();
    }
}
