package dev.stoa.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AdamW against updates worked out by hand. */
class AdamWTest {

    private static TrainingFile.Settings settings(double weightDecay, double clip) {
        return new TrainingFile.Settings(1, 10, 1, 0.1, 0, 0, weightDecay, 0.9, 0.999, 1e-8, clip, 1, 1);
    }

    private static Parameter parameter(NDManager m, String name, float[] values, Shape shape) {
        Parameter p =
                Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray a = m.create(values, shape);
        a.setRequiresGradient(true);
        p.setArray(a);
        return p;
    }

    /** Sets each parameter's gradient to the given values: backward of sum(g · w). */
    private static void gradients(NDManager m, List<Parameter> ps, List<float[]> gs) {
        try (NDManager scope = m.newSubManager();
                GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray total = null;
            for (int i = 0; i < ps.size(); i++) {
                NDArray w = ps.get(i).getArray();
                NDArray term = scope.create(gs.get(i), w.getShape()).mul(w).sum();
                total = total == null ? term : total.add(term);
            }
            c.backward(total);
        }
    }

    @Test
    void firstStepMovesEachWeightByTheLearningRateAgainstItsGradientAndDecaysOnlyMatrices() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Parameter matrix = parameter(m, "w", new float[] {1, -2, 3, 4}, new Shape(2, 2));
            Parameter bias = parameter(m, "b", new float[] {1, 1}, new Shape(2));
            AdamW adam =
                    new AdamW(List.of(new AdamW.Named("w", matrix), new AdamW.Named("b", bias)), m, settings(0.5, 0));
            gradients(m, List.of(matrix, bias), List.of(new float[] {0.3f, -0.3f, 2f, 0f}, new float[] {-1f, 5f}));
            adam.step(0.1, false);
            // step 1: m̂ = g, v̂ = g², so the Adam step is lr · sign(g) (0 where g = 0); decay lr·λ·w on the matrix
            float[] w = matrix.getArray().toFloatArray();
            assertThat(w[0]).isCloseTo(1 - 0.1f * 0.5f * 1 - 0.1f, within(1e-5f));
            assertThat(w[1]).isCloseTo(-2 - 0.1f * 0.5f * -2 + 0.1f, within(1e-5f));
            assertThat(w[2]).isCloseTo(3 - 0.1f * 0.5f * 3 - 0.1f, within(1e-5f));
            assertThat(w[3]).isCloseTo(4 - 0.1f * 0.5f * 4, within(1e-5f));
            float[] b = bias.getArray().toFloatArray();
            assertThat(b[0]).isCloseTo(1 + 0.1f, within(1e-5f));
            assertThat(b[1]).isCloseTo(1 - 0.1f, within(1e-5f));
            // gradients are zeroed after the update
            assertThat(matrix.getArray().getGradient().toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void secondStepFollowsTheMomentsAndClippingScalesTheGlobalNorm() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Parameter p = parameter(m, "p", new float[] {0f}, new Shape(1, 1));
            Parameter q = parameter(m, "q", new float[] {0f}, new Shape(1, 1));
            AdamW adam = new AdamW(List.of(new AdamW.Named("p", p), new AdamW.Named("q", q)), m, settings(0, 1.0));
            gradients(m, List.of(p, q), List.of(new float[] {3f}, new float[] {4f}));
            double norm = adam.step(0.1, false);
            assertThat(norm).isCloseTo(5.0, within(1e-5));
            gradients(m, List.of(p, q), List.of(new float[] {0.6f}, new float[] {0f}));
            adam.step(0.1, false);
            // clipped first gradient c·g = (0.6, 0.8); second (0.6, 0) is under the bound
            double m1 = 0.9 * 0.1 * 0.6 + 0.1 * 0.6;
            double v1 = 0.999 * 0.001 * 0.36 + 0.001 * 0.36;
            double expected = -0.1 - 0.1 * (m1 / (1 - 0.81)) / (Math.sqrt(v1 / (1 - 0.999 * 0.999)) + 1e-8);
            assertThat(p.getArray().toFloatArray()[0]).isCloseTo((float) expected, within(1e-5f));
            double mq = 0.9 * 0.1 * 0.8;
            double vq = 0.999 * 0.001 * 0.64;
            double expectedQ = -0.1 - 0.1 * (mq / (1 - 0.81)) / (Math.sqrt(vq / (1 - 0.999 * 0.999)) + 1e-8);
            assertThat(q.getArray().toFloatArray()[0]).isCloseTo((float) expectedQ, within(1e-5f));
        }
    }

    @Test
    void aNonFiniteGradientSkipsTheStepAndLeavesEverythingAsItWas() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Parameter p = parameter(m, "p", new float[] {1f, 2f}, new Shape(1, 2));
            AdamW adam = new AdamW(List.of(new AdamW.Named("p", p)), m, settings(0.1, 1.0));
            gradients(m, List.of(p), List.of(new float[] {Float.NaN, 1f}));
            double norm = adam.step(0.1, false);
            assertThat(norm).isNaN();
            assertThat(adam.skipped()).isEqualTo(1);
            assertThat(adam.steps()).isZero();
            assertThat(p.getArray().toFloatArray()).containsExactly(1f, 2f);
            assertThat(adam.state().get(0).toFloatArray()).containsOnly(0f);
            // the NaN gradient was cleared, so the next step is a normal one
            gradients(m, List.of(p), List.of(new float[] {1f, 1f}));
            assertThat(adam.step(0.1, false)).isFinite();
            assertThat(adam.steps()).isEqualTo(1);
        }
    }

    @Test
    void theParametersWhoseGradientsWereNotFiniteAreNamedFirstToLast() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Parameter a = parameter(m, "a", new float[] {1f, 2f}, new Shape(1, 2));
            Parameter b = parameter(m, "b", new float[] {1f, 2f}, new Shape(1, 2));
            Parameter c = parameter(m, "c", new float[] {1f, 2f}, new Shape(1, 2));
            Parameter d = parameter(m, "d", new float[] {1f, 2f}, new Shape(1, 2));
            AdamW adam = new AdamW(
                    List.of(
                            new AdamW.Named("in.weight", a),
                            new AdamW.Named("mid.weight", b),
                            new AdamW.Named("up.weight", c),
                            new AdamW.Named("out.weight", d)),
                    m,
                    settings(0.1, 1.0));
            assertThat(adam.lastNonFinite()).isEmpty();
            gradients(
                    m,
                    List.of(a, b, c, d),
                    List.of(
                            new float[] {Float.NaN, 1f},
                            new float[] {1f, 1f},
                            new float[] {1f, Float.NaN},
                            new float[] {1f, 1f}));
            adam.step(0.1, true);
            assertThat(adam.lastNonFinite()).isEqualTo("2 of 4 parameters, from in.weight to up.weight");
        }
    }

    @Test
    void aNonFiniteGradientTheCallerRecomputesIsCountedAsRetriedNotSkipped() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Parameter p = parameter(m, "p", new float[] {1f, 2f}, new Shape(1, 2));
            AdamW adam = new AdamW(List.of(new AdamW.Named("p", p)), m, settings(0.1, 1.0));
            gradients(m, List.of(p), List.of(new float[] {Float.POSITIVE_INFINITY, 1f}));
            assertThat(adam.step(0.1, true)).isInfinite();
            assertThat(adam.retried()).isEqualTo(1);
            assertThat(adam.skipped()).isZero();
            assertThat(p.getArray().toFloatArray()).containsExactly(1f, 2f);
            // the recomputed gradients are finite: a normal step
            gradients(m, List.of(p), List.of(new float[] {1f, 1f}));
            assertThat(adam.step(0.1, false)).isFinite();
            assertThat(adam.steps()).isEqualTo(1);
            assertThat(adam.skipped()).isZero();
        }
    }
}
