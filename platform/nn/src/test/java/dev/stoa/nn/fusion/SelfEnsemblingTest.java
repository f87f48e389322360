package dev.stoa.nn.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VC-GPT's self-ensembling against its formula, worked out in plain Java. */
class SelfEnsemblingTest {

    private static final float[] LM = {2.0f, 0.5f, -1.0f, 0.0f, 1.0f, 1.0f};
    private static final float[] FUSED = {-1.0f, 1.5f, 0.25f, 3.0f, -2.0f, 0.0f};

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
    void ensembleIsTheSumOfTheLogitsAndAProductOfTheTwoDistributions() {
        NDArray lm = manager.create(LM, new Shape(1, 2, 3));
        NDArray fused = manager.create(FUSED, new Shape(1, 2, 3));
        float[] sum = SelfEnsembling.ENSEMBLE.logits(lm, fused).toFloatArray();
        float[] p = SelfEnsembling.ENSEMBLE.logits(lm, fused).softmax(-1).toFloatArray();
        for (int row = 0; row < 2; row++) {
            double[] pLm = softmax(LM, row * 3);
            double[] pFused = softmax(FUSED, row * 3);
            double z = 0;
            for (int w = 0; w < 3; w++) {
                z += pLm[w] * pFused[w];
            }
            for (int w = 0; w < 3; w++) {
                int i = row * 3 + w;
                assertThat(sum[i]).isEqualTo(LM[i] + FUSED[i]);
                // softmax(a + b) = p_a · p_b / Σ p_a · p_b: a product of experts
                assertThat((double) p[i]).isCloseTo(pLm[w] * pFused[w] / z, within(1e-6));
            }
        }
    }

    @Test
    void theAblationsTakeOnePartAlone() {
        NDArray lm = manager.create(LM, new Shape(2, 3));
        NDArray fused = manager.create(FUSED, new Shape(2, 3));
        assertThat(SelfEnsembling.FUSED.logits(lm, fused).toFloatArray()).containsExactly(FUSED);
        assertThat(SelfEnsembling.LM.logits(lm, fused).toFloatArray()).containsExactly(LM);
    }

    @Test
    void partsOfDifferentShapesAreRefusedAndWordsAreRead() {
        NDArray lm = manager.create(LM, new Shape(2, 3));
        NDArray fused = manager.create(FUSED, new Shape(3, 2));
        assertThatThrownBy(() -> SelfEnsembling.ENSEMBLE.logits(lm, fused))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same shape");
        assertThat(SelfEnsembling.of(" Fused ")).isEqualTo(SelfEnsembling.FUSED);
        assertThat(SelfEnsembling.ENSEMBLE.word()).isEqualTo("ensemble");
        assertThatThrownBy(() -> SelfEnsembling.of("sum"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ensemble, fused, lm");
    }

    private static double[] softmax(float[] x, int from) {
        double max = Math.max(x[from], Math.max(x[from + 1], x[from + 2]));
        double[] e = new double[3];
        double s = 0;
        for (int i = 0; i < 3; i++) {
            e[i] = Math.exp(x[from + i] - max);
            s += e[i];
        }
        for (int i = 0; i < 3; i++) {
            e[i] /= s;
        }
        return e;
    }
}
