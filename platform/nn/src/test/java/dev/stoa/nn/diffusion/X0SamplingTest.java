package dev.stoa.nn.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The x_0-prediction formulas: the implied noise, DDIM over an x_0 model, guidance on x_0 predictions. */
class X0SamplingTest {

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
    void theTrueX0ImpliesTheTrueNoise() {
        NoiseSchedule s = NoiseSchedule.cosine(1000);
        GaussianDiffusion d = new GaussianDiffusion(s);
        SplittableRandom r = new SplittableRandom(3);
        Shape shape = new Shape(4, 16);
        NDArray x0 = GaussianNoise.array(manager, r, shape);
        NDArray eps = GaussianNoise.array(manager, r, shape);
        for (int t : new int[] {0, 10, 500, 990}) {
            NDArray xt = d.noise(x0, eps, new int[] {t, t, t, t});
            NDArray implied = Prediction.X0.epsilon(s, xt, x0, t);
            float[] a = implied.toFloatArray();
            float[] b = eps.toFloatArray();
            // at t = 0 the division by sqrt(1 - alphaBar_0) (about 0.006) magnifies float rounding
            double tolerance = t == 0 ? 2e-2 : 1e-4;
            for (int i = 0; i < a.length; i++) {
                assertThat((double) a[i]).isCloseTo(b[i], within(tolerance));
            }
            // and by hand, one element: (x_t - sqrt(ab) x_0) / sqrt(1 - ab)
            double ab = s.alphaBar(t);
            double byHand = (xt.toFloatArray()[5] - Math.sqrt(ab) * x0.toFloatArray()[5]) / Math.sqrt(1 - ab);
            assertThat((double) a[5]).isCloseTo(byHand, within(1e-3 / Math.sqrt(1 - ab)));
        }
    }

    @Test
    void ddimWithAnX0ModelThatKnowsTheAnswerEndsThere() {
        NoiseSchedule s = NoiseSchedule.cosine(1000);
        GaussianDiffusion d = new GaussianDiffusion(s);
        SplittableRandom r = new SplittableRandom(5);
        NDArray target = GaussianNoise.array(manager, r, new Shape(3, 8));
        NDArray xT = GaussianNoise.array(manager, r, new Shape(3, 8));
        NDArray out = d.sample(xT, 20, Prediction.X0.denoiser((xt, t) -> target, s), false, (i, n) -> {});
        float[] a = out.toFloatArray();
        float[] b = target.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).isCloseTo(b[i], within(1e-3));
        }
    }

    @Test
    void guidingTheImpliedNoiseGuidesTheX0Predictions() {
        NoiseSchedule s = NoiseSchedule.cosine(100);
        SplittableRandom r = new SplittableRandom(9);
        NDArray xt = GaussianNoise.array(manager, r, new Shape(2, 6));
        NDArray c = GaussianNoise.array(manager, r, new Shape(2, 6));
        NDArray u = GaussianNoise.array(manager, r, new Shape(2, 6));
        int t = 40;
        float scale = 3f;
        NDArray guidedEps = ClassifierFreeGuidance.combine(
                Prediction.X0.epsilon(s, xt, u, t), Prediction.X0.epsilon(s, xt, c, t), scale);
        NDArray guidedX0 = ClassifierFreeGuidance.combine(u, c, scale);
        float[] a = guidedEps.toFloatArray();
        float[] b = Prediction.X0.epsilon(s, xt, guidedX0, t).toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).isCloseTo(b[i], within(1e-4));
        }
    }

    @Test
    void timestepsOutsideTheScheduleAreRefused() {
        NoiseSchedule s = NoiseSchedule.cosine(10);
        NDArray x = manager.zeros(new Shape(1, 2));
        assertThatThrownBy(() -> Prediction.X0.epsilon(s, x, x, 10)).hasMessageContaining("0 to 9");
    }
}
