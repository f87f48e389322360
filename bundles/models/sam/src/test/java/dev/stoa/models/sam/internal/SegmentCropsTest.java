package dev.stoa.models.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each segment's picture, worked out by hand on a small scene: a grey background (with a few dark "word" pixels the
 * median must ignore), a red L-shaped object and a blue square.
 */
class SegmentCropsTest {

    private static final int W = 12;
    private static final int H = 8;

    /** Grey 200 everywhere, three black pixels at row 7, red at the L, blue at the square. */
    private static Image scene() {
        byte[] rgb = new byte[W * H * 3];
        for (int i = 0; i < W * H; i++) {
            set(rgb, i, 200, 200, 200);
        }
        for (int x = 0; x < 3; x++) {
            set(rgb, 7 * W + x, 0, 0, 0);
        }
        for (int[] p : lShape()) {
            set(rgb, p[1] * W + p[0], 250, 10, 10);
        }
        for (int y = 2; y < 5; y++) {
            for (int x = 7; x < 10; x++) {
                set(rgb, y * W + x, 10, 10, 250);
            }
        }
        return new Image(W, H, rgb);
    }

    /** The red object: (1,1), (1,2), (1,3), (2,3): its box [1, 1, 3, 4] also holds (2,1), (2,2), background. */
    private static int[][] lShape() {
        return new int[][] {{1, 1}, {1, 2}, {1, 3}, {2, 3}};
    }

    private static void set(byte[] rgb, int pixel, int r, int g, int b) {
        rgb[pixel * 3] = (byte) r;
        rgb[pixel * 3 + 1] = (byte) g;
        rgb[pixel * 3 + 2] = (byte) b;
    }

    private static Segment red() {
        byte[] bits = new byte[W * H];
        for (int[] p : lShape()) {
            bits[p[1] * W + p[0]] = 1;
        }
        return Segment.of(new Mask(W, H, bits), 0.9);
    }

    private static Segment blue() {
        byte[] bits = new byte[W * H];
        for (int y = 2; y < 5; y++) {
            for (int x = 7; x < 10; x++) {
                bits[y * W + x] = 1;
            }
        }
        return Segment.of(new Mask(W, H, bits), 0.8);
    }

    private static int[] rgb(Image image, int x, int y) {
        int i = (y * image.width() + x) * 3;
        return new int[] {image.rgb()[i] & 0xff, image.rgb()[i + 1] & 0xff, image.rgb()[i + 2] & 0xff};
    }

    @Test
    void theBackgroundIsTheMedianOfTheUncoveredPixels() {
        // 96 pixels, 4 + 9 covered, 83 left: 80 grey, 3 black -> median grey
        assertThat(SegmentCrops.background(scene(), List.of(red(), blue()))).containsExactly(200, 200, 200);
        // covering everything leaves no background: white
        Segment all = Segment.of(new Mask(W, H, filled()), 1);
        assertThat(SegmentCrops.background(scene(), List.of(all))).containsExactly(255, 255, 255);
    }

    private static byte[] filled() {
        byte[] bits = new byte[W * H];
        java.util.Arrays.fill(bits, (byte) 1);
        return bits;
    }

    @Test
    void aCutoutIsTheWholeFrameWithOnlyTheSegmentKept() {
        List<Image> pictures = SegmentCrops.of(scene(), List.of(red(), blue()), SegmentCrops.Form.CUTOUT);
        assertThat(pictures).hasSize(2);
        Image red = pictures.get(0);
        assertThat(red.width()).isEqualTo(W);
        assertThat(red.height()).isEqualTo(H);
        int redPixels = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int[] c = rgb(red, x, y);
                if (c[0] == 250 && c[2] == 10) {
                    redPixels++;
                } else {
                    assertThat(c).as("(%d, %d)", x, y).containsExactly(200, 200, 200);
                }
            }
        }
        assertThat(redPixels).isEqualTo(4); // the blue square and the word are painted over
        assertThat(rgb(pictures.get(1), 8, 3)).containsExactly(10, 10, 250);
        assertThat(rgb(pictures.get(1), 1, 1)).containsExactly(200, 200, 200);
    }

    @Test
    void aBoxCropIsTheBoxsPixelsAsTheyAre() {
        List<Image> pictures = SegmentCrops.of(scene(), List.of(red(), blue()), SegmentCrops.Form.BOX);
        Image red = pictures.get(0);
        assertThat(red.width()).isEqualTo(2); // box [1, 1, 3, 4]
        assertThat(red.height()).isEqualTo(3);
        assertThat(rgb(red, 0, 0)).containsExactly(250, 10, 10);
        assertThat(rgb(red, 1, 0)).containsExactly(200, 200, 200); // (2, 1): background inside the box, kept
        assertThat(rgb(red, 1, 2)).containsExactly(250, 10, 10);
        Image blue = pictures.get(1);
        assertThat(blue.width()).isEqualTo(3);
        assertThat(blue.height()).isEqualTo(3);
        assertThat(rgb(blue, 2, 2)).containsExactly(10, 10, 250);
    }

    @Test
    void theFormIsReadFromTheRequestAndABadOneNamesTheField() {
        assertThat(SegmentCrops.Form.of(null)).isNull();
        assertThat(SegmentCrops.Form.of("none")).isNull();
        assertThat(SegmentCrops.Form.of("cutout")).isEqualTo(SegmentCrops.Form.CUTOUT);
        assertThat(SegmentCrops.Form.of("box")).isEqualTo(SegmentCrops.Form.BOX);
        for (Object bad : new Object[] {"crop", true, 3}) {
            assertThatThrownBy(() -> SegmentCrops.Form.of(bad)).isInstanceOfSatisfying(StoaException.class, e -> {
                assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
                assertThat(e.getMessage()).contains("crops").contains("cutout");
            });
        }
    }
}
