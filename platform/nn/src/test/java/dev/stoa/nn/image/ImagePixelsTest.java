package dev.stoa.nn.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stoa.api.data.Image;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePixelsTest {

    /** A 2 x 2 image: red, green / blue, black. */
    private static Image fourPixels() {
        return new Image(2, 2, new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0});
    }

    @Test
    void anImageOfTheModelsSizeIsScaledChannelMajor() {
        float[] p = ImagePixels.pixels(List.of(fourPixels()), 2);
        // red plane, green plane, blue plane; 255 -> 2, 0 -> -2
        assertThat(p).containsExactly(2, -2, -2, -2, -2, 2, -2, -2, -2, -2, 2, -2);
    }

    @Test
    void aBatchStacksImagesAndOtherSizesAreResized() {
        Image white = ImagePixels.blank(7);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray batch = ImagePixels.batch(manager, List.of(fourPixels(), white), 4);
            assertThat(batch.getShape().getShape()).containsExactly(2, 3, 4, 4);
            // the white 7 x 7 image resized to 4 x 4 stays white everywhere
            float[] second = batch.get(1).toFloatArray();
            for (float v : second) {
                assertThat(v).isCloseTo(2f, within(1e-6f));
            }
            // the 2 x 2 image's top-left corner stays mostly red after bilinear upscaling
            float[] first = batch.get(0).toFloatArray();
            assertThat(first[0]).isGreaterThan(0f);
            assertThat(first[16]).isLessThan(0f);
        }
    }

    @Test
    void unscaleInvertsScale() {
        for (int v : new int[] {0, 1, 127, 128, 254, 255}) {
            assertThat(ImagePixels.unscale(ImagePixels.scale(v))).isCloseTo(v, within(1e-3f));
        }
    }

    @Test
    void writePlacesOneImageAtAnOffset() {
        float[] out = new float[3 + 12];
        ImagePixels.write(fourPixels(), 2, out, 3);
        assertThat(out[0]).isZero();
        assertThat(out[3]).isEqualTo(2f);
        assertThat(out[14]).isEqualTo(-2f);
    }

    @Test
    void fromSignedGivesBackTheImagesOfTheSignedRangeAndClampsBeyondIt() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // ImagePixels' own scale halved is the diffusion models' [-1, 1]
            NDArray signed =
                    ImagePixels.batch(m, List.of(fourPixels(), fourPixels()), 2).mul(0.5f);
            assertThat(ImagePixels.fromSigned(signed)).containsExactly(fourPixels(), fourPixels());
            List<Image> clamped = ImagePixels.fromSigned(signed.mul(3f));
            assertThat(clamped.get(0)).isEqualTo(fourPixels());
        }
    }
}
