package dev.stoa.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mask's PNG and COCO run-length forms, and the segment's box checks. */
class MaskFormsTest {

    /**
     * 3 wide, 2 high:
     *
     * <pre>
     * 0 1 1
     * 0 0 1
     * </pre>
     *
     * column-major reading: col 0 = 0 0, col 1 = 1 0, col 2 = 1 1 -> 0 0 1 0 1 1 -> runs 2, 1, 1, 2.
     */
    private static final Mask SMALL = new Mask(3, 2, new byte[] {0, 1, 1, 0, 0, 1});

    @Test
    void rleIsColumnMajorStartingWithBackgroundAsCoco() {
        assertThat(SMALL.rleCounts()).containsExactly(2, 1, 1, 2);
        Mask firstSet = new Mask(2, 1, new byte[] {1, 0});
        assertThat(firstSet.rleCounts()).containsExactly(0, 1, 1);
        assertThat(Mask.fromRle(3, 2, new int[] {2, 1, 1, 2})).isEqualTo(SMALL);
    }

    @Test
    void randomMasksRoundTripThroughRleAndPng() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int t = 0; t < 20; t++) {
            int w = 1 + rng.nextInt(40);
            int h = 1 + rng.nextInt(40);
            byte[] bits = new byte[w * h];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = (byte) (rng.nextInt(3) == 0 ? 1 : 0);
            }
            Mask m = new Mask(w, h, bits);
            assertThat(Mask.fromRle(w, h, m.rleCounts())).isEqualTo(m);
            assertThat(Mask.decodePng(m.encodePng())).isEqualTo(m);
        }
    }

    @Test
    void pngIsBlackAndWhite() {
        Image shown = Image.decode(SMALL.encodePng());
        assertThat(shown.rgb()[0] & 0xff).isZero();
        assertThat(shown.rgb()[3] & 0xff).isEqualTo(255);
    }

    @Test
    void anImageThatIsNotAMaskIsBadInputNamingMask() {
        byte[] rgb = new byte[2 * 2 * 3];
        rgb[0] = (byte) 200;
        byte[] png = new Image(2, 2, rgb).encodePng();
        assertThatThrownBy(() -> Mask.decodePng(png))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'mask': pixel (0, 0) is (200, 0, 0)");
        assertThatThrownBy(() -> Mask.decodePng(new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'mask':");
    }

    @Test
    void rleThatDoesNotCoverTheImageIsBadInput() {
        assertThatThrownBy(() -> Mask.fromRle(3, 2, new int[] {2, 1}))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'rle.counts': sum to 3");
        assertThatThrownBy(() -> Mask.fromRle(3, 2, new int[] {7, -1}))
                .hasMessageStartingWith("'rle.counts': has a negative run");
    }

    @Test
    void boxIsTightInPixelEdges() {
        assertThat(SMALL.box()).containsExactly(1, 0, 3, 2);
        assertThat(new Mask(2, 2, new byte[4]).box()).containsExactly(0, 0, 0, 0);
        Segment s = Segment.of(SMALL, 0.9);
        assertThat(s.box()).containsExactly(1, 0, 3, 2);
        assertThat(s.area()).isEqualTo(3);
    }

    @Test
    void boxOutsideTheImageIsBadInputNamingBox() {
        assertThatThrownBy(() -> new Segment(SMALL, new int[] {0, 0, 4, 2}, 0.5, null))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'box': is [0, 0, 4, 2]");
        assertThatThrownBy(() -> new Segment(SMALL, new int[] {2, 0, 1, 2}, 0.5, null))
                .hasMessageStartingWith("'box':");
        assertThatThrownBy(() -> new Segment(SMALL, new int[] {0, 0, 1}, 0.5, null))
                .hasMessageStartingWith("'box': must be");
        assertThatThrownBy(() -> new Segment(SMALL, new int[] {0, 0, 1, 1}, Double.NaN, null))
                .hasMessageStartingWith("'score':");
    }
}
