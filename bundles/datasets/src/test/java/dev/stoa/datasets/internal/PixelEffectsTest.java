package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Blur, resize, noise and the JPEG round trip against values worked out by hand. */
class PixelEffectsTest {

    @Test
    void shrinkingAveragesTheAreaAndGrowingInterpolates() {
        // a 4x4 checker of black and white pixels shrunk to 2x2: every output pixel covers two of each
        int[] checker = new int[16];
        for (int i = 0; i < 16; i++) {
            checker[i] = ((i % 4) + (i / 4)) % 2 == 0 ? 0xFFFFFF : 0x000000;
        }
        int[] half = PixelEffects.resize(checker, 4, 2);
        assertThat(half).containsOnly(0x808080);
        // 8 -> 3 (fractional areas) keeps a flat colour flat
        int[] flat = new int[64];
        Arrays.fill(flat, 0x3C6E9A);
        assertThat(PixelEffects.resize(flat, 8, 3)).containsOnly(0x3C6E9A);
        // a left-black right-white 8x8 image grown to 16x16: the middle columns ramp, the edges stay
        int[] halves = new int[64];
        for (int i = 0; i < 64; i++) {
            halves[i] = i % 8 < 4 ? 0 : 0xFFFFFF;
        }
        int[] grown = PixelEffects.resize(halves, 8, 16);
        int[] row = Arrays.copyOfRange(grown, 16 * 5, 16 * 6);
        assertThat(row[0]).isZero();
        assertThat(row[15]).isEqualTo(0xFFFFFF);
        // output x=7 samples input 3.25: a quarter of the way from black to white, 64 (0x40)
        assertThat(row[7] & 0xff).isEqualTo(64);
        for (int x = 1; x < 16; x++) {
            assertThat(row[x] & 0xff).isGreaterThanOrEqualTo(row[x - 1] & 0xff);
        }
        assertThat(PixelEffects.resize(flat, 8, 8)).isSameAs(flat);
    }

    @Test
    void blurSpreadsAPointAndKeepsItsLight() {
        int side = 9;
        int[] px = new int[side * side];
        px[4 * side + 4] = 0xC8C8C8; // 200 on black
        PixelEffects.blur(px, side, 2.0);
        long sum = 0;
        for (int p : px) {
            sum += p & 0xff;
        }
        // sigma 1: the centre keeps exp(0)^2 / (sum over |k|<=2 of exp(-k^2/2))^2 = 1 / 2.5066^2 of the light
        double weight = 1 + 2 * Math.exp(-0.5) + 2 * Math.exp(-2);
        assertThat(px[4 * side + 4] & 0xff)
                .isCloseTo((int) Math.round(200 / (weight * weight)), org.assertj.core.data.Offset.offset(1));
        assertThat(sum).isBetween(190L, 210L);
        assertThat(px[4 * side + 5] & 0xff).isGreaterThan(0).isLessThan(px[4 * side + 4] & 0xff);
        assertThat(px[0]).isZero();
    }

    @Test
    void noiseHasTheSigmaAskedForAndTheSameSeedGivesTheSameNoise() {
        int[] a = new int[100_000];
        Arrays.fill(a, 0x808080);
        int[] b = a.clone();
        PixelEffects.noise(a, 10, 42);
        PixelEffects.noise(b, 10, 42);
        assertThat(a).isEqualTo(b);
        double sum = 0;
        double sq = 0;
        for (int p : a) {
            double d = (p >> 8 & 0xff) - 128;
            sum += d;
            sq += d * d;
        }
        assertThat(sum / a.length).isCloseTo(0, org.assertj.core.data.Offset.offset(0.2));
        assertThat(Math.sqrt(sq / a.length)).isCloseTo(10, org.assertj.core.data.Offset.offset(0.3));
    }

    @Test
    void jpegRoundTripKeepsThePictureLosesDetailAndRepeatsItself() {
        int side = 32;
        int[] px = new int[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                px[y * side + x] = (x * 8) << 16 | (y * 8) << 8 | ((x + y) % 2 == 0 ? 0xF0 : 0x10);
            }
        }
        JpegRoundTrip codec = new JpegRoundTrip(side);
        int[] low = codec.apply(px, 30);
        int[] high = codec.apply(px, 90);
        assertThat(codec.apply(px, 30)).isEqualTo(low);
        assertThat(new JpegRoundTrip(side).apply(px, 30)).isEqualTo(low);
        assertThat(low).isNotEqualTo(px);
        // the red ramp survives within a few levels (the checker's chroma, shared 4:2:0, bleeds into it); the blue
        // checker, the finest detail, is what quality loses first
        assertThat(meanError(low, px, 16)).isLessThan(25);
        assertThat(meanError(high, px, 16)).isLessThan(meanError(low, px, 16));
        // a one-pixel checker (+-112 around 128) is mostly averaged away, at either quality
        assertThat(meanError(low, px, 0)).isGreaterThan(50);
    }

    private static double meanError(int[] a, int[] b, int shift) {
        double e = 0;
        for (int i = 0; i < a.length; i++) {
            e += Math.abs((a[i] >> shift & 0xff) - (b[i] >> shift & 0xff));
        }
        return e / a.length;
    }
}
