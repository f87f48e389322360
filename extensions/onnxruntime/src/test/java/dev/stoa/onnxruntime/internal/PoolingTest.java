package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Pooling against values worked out by hand. */
class PoolingTest {

    // (B=2, S=3, D=2): row 0 has three real tokens, row 1 two real tokens and one padding position
    private static final FloatBuffer HIDDEN = FloatBuffer.wrap(new float[] {
        1, 2, 3, 4, 5, 6,
        10, 20, 30, 40, 999, 999
    });
    private static final long[] MASK = {1, 1, 1, 1, 1, 0};

    @Test
    void meanAveragesTheRealTokensOnly() {
        assertThat(Pooling.MEAN.pool(HIDDEN, 0, 3, 2, MASK)).containsExactly(3f, 4f); // (1+3+5)/3, (2+4+6)/3
        assertThat(Pooling.MEAN.pool(HIDDEN, 1, 3, 2, MASK)).containsExactly(20f, 30f); // padding's 999 ignored
    }

    @Test
    void clsTakesTheFirstToken() {
        assertThat(Pooling.CLS.pool(HIDDEN, 0, 3, 2, MASK)).containsExactly(1f, 2f);
        assertThat(Pooling.CLS.pool(HIDDEN, 1, 3, 2, MASK)).containsExactly(10f, 20f);
    }

    @Test
    void normalizeScalesToUnitLength() {
        float[] v = {3, 4};
        Pooling.normalize(v);
        assertThat(v).containsExactly(0.6f, 0.8f);
        float[] zero = {0, 0};
        Pooling.normalize(zero);
        assertThat(zero).containsExactly(0f, 0f);
    }

    @Test
    void unknownPoolingNamesTheAcceptedValues() {
        assertThat(Pooling.parse(" CLS ", "x")).isEqualTo(Pooling.CLS);
        assertThatThrownBy(() -> Pooling.parse("max", "etc/x.cfg"))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("etc/x.cfg")
                .hasMessageContaining("'mean' or 'cls'");
    }
}
