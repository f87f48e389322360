package dev.stoa.nn.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PredictionTest {

    @Test
    void eachTargetGivesBackTheTrueNoiseAndV() {
        NoiseSchedule schedule = NoiseSchedule.named("cosine", 1000);
        GaussianDiffusion diffusion = new GaussianDiffusion(schedule);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x0 = GaussianNoise.array(m, new SplittableRandom(1), new Shape(3, 2, 4, 4))
                    .clip(-1f, 1f);
            NDArray eps = GaussianNoise.array(m, new SplittableRandom(2), new Shape(3, 2, 4, 4));
            for (int t : new int[] {0, 400, 999}) {
                int[] ts = {t, t, t};
                NDArray xt = diffusion.noise(x0, eps, ts);
                for (Prediction p : Prediction.values()) {
                    NDArray target = p.target(schedule, x0, eps, ts);
                    NDArray back = p.epsilon(schedule, xt, target, t);
                    // x0-prediction cannot tell the noise at t = 0, where x_t holds almost none of it
                    float tolerance = p == Prediction.X0 && t == 0 ? 5e-2f : 1e-3f;
                    assertThat(DiffusionTest.maxAbs(back.sub(eps)))
                            .as(p + " at " + t)
                            .isLessThan(tolerance);
                }
                // v by its definition, element by element
                double a = schedule.alphaBar(t);
                float[] v = Prediction.V.target(schedule, x0, eps, ts).toFloatArray();
                float[] e = eps.toFloatArray();
                float[] x = x0.toFloatArray();
                for (int i = 0; i < v.length; i += 7) {
                    assertThat((double) v[i])
                            .isCloseTo(
                                    Math.sqrt(a) * e[i] - Math.sqrt(1 - a) * x[i],
                                    org.assertj.core.api.Assertions.within(1e-5));
                }
            }
            assertThat(Prediction.EPSILON.target(schedule, x0, eps, new int[] {5, 6, 7}))
                    .isSameAs(eps);
            assertThat(Prediction.X0.target(schedule, x0, eps, new int[] {5, 6, 7}))
                    .isSameAs(x0);
        }
    }

    @Test
    void namesRoundTripAndAnUnknownOneIsNamed() {
        for (Prediction p : Prediction.values()) {
            assertThat(Prediction.named(p.key())).isEqualTo(p);
        }
        assertThatThrownBy(() -> Prediction.named("noise")).hasMessageContaining("eps, v or x0");
    }
}
