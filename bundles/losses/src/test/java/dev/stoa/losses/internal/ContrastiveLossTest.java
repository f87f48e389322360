package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each expected value is worked out here in plain Java (double precision) from the papers' formulas. */
class ContrastiveLossTest {

    /** Three image and three text embeddings, deliberately not unit length. */
    private static final double[][] IMAGES = {{1, 0}, {0, 2}, {1, 1}};

    private static final double[][] TEXTS = {{2, 0.2}, {0.1, 1}, {-1, 1}};

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(13);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void clipLossMatchesHandComputedLogitsSoftmaxAndCrossEntropy() {
        TrainingLoss loss = new ClipLossFactory().create(Map.of());
        LossTerms terms = evaluate(loss, IMAGES, TEXTS);
        double expected = symmetricCrossEntropy(logits(IMAGES, TEXTS, 1 / 0.07), identityTargets(3, 0));
        assertThat((double) terms.total().getFloat()).isCloseTo(expected, within(1e-4));
        assertThat(terms.parts()).containsOnlyKeys("contrastive_loss");
        assertThat(terms.parts().get("contrastive_loss").getFloat())
                .isEqualTo(terms.total().getFloat());
        assertThat(terms.total().getShape()).isEqualTo(new Shape());
    }

    @Test
    void temperatureGradientMatchesTheAnalyticFormulaAndAFiniteDifference() {
        TrainingLoss loss = new ClipLossFactory().create(Map.of("temperature", 0.5));
        NDArray gradient = temperatureGradient(loss, IMAGES, TEXTS);

        double t = Math.log(2);
        double[][] z = logits(IMAGES, TEXTS, Math.exp(t));
        double[][] y = identityTargets(3, 0);
        double[][] rows = softmaxRows(z);
        double[][] columns = transpose(softmaxRows(transpose(z)));
        // dL/dt = Σ ∂L/∂Z · ∂Z/∂t with Z = e^t C, so ∂Z/∂t = Z; ∂L/∂Z[i, j] = (P[i, j] + Q[i, j] - 2 Y[i, j]) / 2N
        double analytic = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                analytic += (rows[i][j] + columns[i][j] - 2 * y[i][j]) / (2 * 3) * z[i][j];
            }
        }
        double h = 1e-5;
        double finite = (symmetricCrossEntropy(logits(IMAGES, TEXTS, Math.exp(t + h)), y)
                        - symmetricCrossEntropy(logits(IMAGES, TEXTS, Math.exp(t - h)), y))
                / (2 * h);
        assertThat(analytic).isCloseTo(finite, within(1e-6));
        assertThat(analytic).isNotCloseTo(0, within(1e-3));
        assertThat((double) gradient.getFloat()).isCloseTo(analytic, within(1e-5));
    }

    @Test
    void logitScaleIsClampedAtOneHundredAndThenGetsNoGradient() {
        // τ = 1/200 starts t at ln 200, above the cap ln 100
        TrainingLoss loss = new ClipLossFactory().create(Map.of("temperature", 0.005));
        NDArray gradient = temperatureGradient(loss, IMAGES, TEXTS);
        float total =
                loss.evaluate(store, embeddings(IMAGES, TEXTS), false).total().getFloat();
        double capped = symmetricCrossEntropy(logits(IMAGES, TEXTS, 100), identityTargets(3, 0));
        double uncapped = symmetricCrossEntropy(logits(IMAGES, TEXTS, 200), identityTargets(3, 0));
        assertThat((double) total).isCloseTo(capped, within(1e-4));
        assertThat(Math.abs(capped - uncapped)).isGreaterThan(1e-2);
        assertThat(gradient.getFloat()).isEqualTo(0f);
    }

    @Test
    void fixedTemperatureIsNotTrained() {
        TrainingLoss loss = new ClipLossFactory().create(Map.of("learn_temperature", "false", "temperature", "0.1"));
        LossTerms terms = evaluate(loss, IMAGES, TEXTS);
        Parameter t = loss.getParameters().get("logit_scale");
        assertThat(t.requiresGradient()).isFalse();
        assertThat((double) terms.total().getFloat())
                .isCloseTo(symmetricCrossEntropy(logits(IMAGES, TEXTS, 10), identityTargets(3, 0)), within(1e-4));
    }

    @Test
    void alignSmoothsTheTargets() {
        TrainingLoss loss = new AlignLossFactory().create(Map.of());
        double expected = symmetricCrossEntropy(logits(IMAGES, TEXTS, 1 / 0.07), identityTargets(3, 0.1));
        assertThat((double) evaluate(loss, IMAGES, TEXTS).total().getFloat()).isCloseTo(expected, within(1e-4));
        double unsmoothed = symmetricCrossEntropy(logits(IMAGES, TEXTS, 1 / 0.07), identityTargets(3, 0));
        assertThat(Math.abs(expected - unsmoothed)).isGreaterThan(0.1);

        TrainingLoss strong = new AlignLossFactory().create(Map.of("label_smoothing", 0.5));
        assertThat((double) evaluate(strong, IMAGES, TEXTS).total().getFloat())
                .isCloseTo(
                        symmetricCrossEntropy(logits(IMAGES, TEXTS, 1 / 0.07), identityTargets(3, 0.5)), within(1e-4));
    }

    @Test
    void uniclTreatsEveryPairWithTheSameLabelAsPositive() {
        double[][] images = {{1, 0}, {0, 2}, {1, 1}, {0.5, -1}};
        double[][] texts = {{2, 0.2}, {0.1, 1}, {-1, 1}, {1, 1}};
        int[] labels = {0, 1, 0, 2};
        // rows 0 and 2 share label 0: each has two positives of weight 1/2
        double[][] y = {{0.5, 0, 0.5, 0}, {0, 1, 0, 0}, {0.5, 0, 0.5, 0}, {0, 0, 0, 1}};
        double expected = symmetricCrossEntropy(logits(images, texts, 1 / 0.07), y);

        TrainingLoss loss = new UniClLossFactory().create(Map.of());
        NDList inputs = embeddings(images, texts);
        inputs.add(manager.create(labels));
        loss.initialize(manager, DataType.FLOAT32, inputs.getShapes());
        LossTerms terms = loss.evaluate(store, inputs, false);
        assertThat((double) terms.total().getFloat()).isCloseTo(expected, within(1e-4));

        // with distinct labels it is CLIP's loss
        NDList distinct = embeddings(images, texts);
        distinct.add(manager.create(new int[] {4, 5, 6, 7}));
        assertThat((double) loss.evaluate(store, distinct, false).total().getFloat())
                .isCloseTo(symmetricCrossEntropy(logits(images, texts, 1 / 0.07), identityTargets(4, 0)), within(1e-4));
    }

    @Test
    void badOptionsAndInputsAreReportedByName() {
        assertThatThrownBy(() -> new ClipLossFactory().create(Map.of("temprature", 0.1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'temprature'")
                .hasMessageContaining("temperature")
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_CONFIG));
        assertThatThrownBy(() -> new ClipLossFactory().create(Map.of("temperature", -1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("above 0");
        assertThatThrownBy(() -> new AlignLossFactory().create(Map.of("label_smoothing", "lots")))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("a number");
        assertThatThrownBy(() -> new AlignLossFactory().create(Map.of("label_smoothing", 1)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("[0, 1)");
        TrainingLoss unicl = new UniClLossFactory().create(Map.of());
        assertThatThrownBy(() -> unicl.initialize(manager, DataType.FLOAT32, new Shape(3, 2), new Shape(3, 2)))
                .hasMessageContaining("labels (N)");
    }

    private NDList embeddings(double[][] images, double[][] texts) {
        return new NDList(matrix(images), matrix(texts));
    }

    private NDArray matrix(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[0].length; j++) {
                flat[i * rows[0].length + j] = (float) rows[i][j];
            }
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    private LossTerms evaluate(TrainingLoss loss, double[][] images, double[][] texts) {
        NDList inputs = embeddings(images, texts);
        loss.initialize(manager, DataType.FLOAT32, inputs.getShapes());
        return loss.evaluate(store, inputs, false);
    }

    private NDArray temperatureGradient(TrainingLoss loss, double[][] images, double[][] texts) {
        NDList inputs = embeddings(images, texts);
        loss.initialize(manager, DataType.FLOAT32, inputs.getShapes());
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(loss.evaluate(store, inputs, true).total());
        }
        return loss.getParameters().get("logit_scale").getArray().getGradient();
    }

    /** s · Î T̂ᵀ. */
    static double[][] logits(double[][] images, double[][] texts, double scale) {
        double[][] z = new double[images.length][texts.length];
        for (int i = 0; i < images.length; i++) {
            for (int j = 0; j < texts.length; j++) {
                double dot = 0;
                for (int k = 0; k < images[i].length; k++) {
                    dot += images[i][k] * texts[j][k];
                }
                z[i][j] = scale * dot / (norm(images[i]) * norm(texts[j]));
            }
        }
        return z;
    }

    static double[][] identityTargets(int n, double smoothing) {
        double[][] y = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                y[i][j] = (i == j ? 1 - smoothing : 0) + smoothing / n;
            }
        }
        return y;
    }

    /** ½ (CE over rows + CE over columns), CE = -1/N Σ_i Σ_j Y[i, j] log softmax(Z[i])[j]. */
    static double symmetricCrossEntropy(double[][] z, double[][] y) {
        return (crossEntropy(z, y) + crossEntropy(transpose(z), transpose(y))) / 2;
    }

    private static double crossEntropy(double[][] z, double[][] y) {
        double[][] p = softmaxRows(z);
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z[i].length; j++) {
                sum -= y[i][j] * Math.log(p[i][j]);
            }
        }
        return sum / z.length;
    }

    static double[][] softmaxRows(double[][] z) {
        double[][] p = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            double sum = 0;
            p[i] = new double[z[i].length];
            for (int j = 0; j < z[i].length; j++) {
                p[i][j] = Math.exp(z[i][j]);
                sum += p[i][j];
            }
            for (int j = 0; j < z[i].length; j++) {
                p[i][j] /= sum;
            }
        }
        return p;
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
