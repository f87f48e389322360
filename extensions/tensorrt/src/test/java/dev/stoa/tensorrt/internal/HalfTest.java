package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfTest {

    @Test
    void knownValues() {
        assertThat(Half.fromFloat(1f)).isEqualTo((short) 0x3c00);
        assertThat(Half.fromFloat(-2f)).isEqualTo((short) 0xc000);
        assertThat(Half.fromFloat(0.1f)).isEqualTo((short) 0x2e66);
        assertThat(Half.fromFloat(65504f)).isEqualTo((short) 0x7bff);
        assertThat(Half.fromFloat(65520f)).isEqualTo((short) 0x7c00); // rounds up to infinity
        assertThat(Half.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
        assertThat(Half.fromFloat(0x1p-25f)).isEqualTo((short) 0); // halfway to zero: ties to even
        assertThat(Half.fromFloat(1e-9f)).isEqualTo((short) 0);
        assertThat(Half.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(Half.fromFloat(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7c00);
        assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN)))).isTrue();
        // 1 + 2^-11 is halfway between 1 and the next half: ties to even (1)
        assertThat(Half.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
        assertThat(Half.fromFloat(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3c01);
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertThat(Half.fromFloat(f) & 0xffff).as("half 0x%04x (%s)", h, f).isEqualTo(h);
        }
    }

    @Test
    void roundingErrorIsAtMostHalfAnUlp() {
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) (r.nextGaussian() * 10);
            float back = Half.toFloat(Half.fromFloat(f));
            float ulp = Math.ulp(back) * (1 << 13); // a half has 13 fewer mantissa bits than a float
            assertThat(Math.abs(back - f)).isLessThanOrEqualTo(ulp / 2 + Math.ulp(f));
        }
    }
}
