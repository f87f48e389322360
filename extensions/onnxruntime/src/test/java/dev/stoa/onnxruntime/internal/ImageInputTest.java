package dev.stoa.onnxruntime.internal;

import static dev.stoa.onnxruntime.internal.OnnxModelTest.assertBadInput;
import static dev.stoa.onnxruntime.internal.OnnxModelTest.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images into a model-folder service: each preprocessing step against values worked out by hand, through a model
 * that returns its input unchanged; and bad image files refused with the field named.
 */
@SuppressWarnings("unchecked")
class ImageInputTest {

    @TempDir
    Path dir;

    private OnnxModel load(String image, long... shape) throws Exception {
        TestModelFolders.identity(dir, "{\"inputs\": [{\"name\": \"x\", \"image\": " + image + "}]}", shape);
        return OnnxModel.load("identity", ModelDescriptor.read(dir), SessionSettings.defaults());
    }

    /** A 2x1 image: left pixel (r0, g0, b0), right pixel (r1, g1, b1). */
    private static Image twoPixels(int r0, int g0, int b0, int r1, int g1, int b1) {
        return new Image(2, 1, new byte[] {(byte) r0, (byte) g0, (byte) b0, (byte) r1, (byte) g1, (byte) b1});
    }

    private static List<Float> run(OnnxModel model, Object image, List<Long> shape) {
        Map<?, ?> y = output(model.call(Map.of("image", image)), "y");
        assertThat(y.get("shape")).isEqualTo(shape);
        return (List<Float>) y.get("data");
    }

    @Test
    void bgrScaleMeanAndStdInChannelsFirstLayout() throws Exception {
        String pre = "{\"channels\": \"BGR\", \"scale\": 1, \"mean\": [10, 20, 30], \"std\": [2, 4, 5]}";
        try (OnnxModel model = load(pre, -1, 3, -1, -1)) {
            List<Float> y = run(model, twoPixels(100, 60, 40, 200, 120, 80), List.of(1L, 3L, 1L, 2L));
            // (N, C, H, W): channel 0 is blue: (40 - 10) / 2, (80 - 10) / 2; green (60 - 20) / 4 ...; red (100 - 30) /
            // 5
            assertThat(y).containsExactly(15f, 35f, 10f, 25f, 14f, 34f);
        }
    }

    @Test
    void rgbInChannelsLastLayoutWithTheDefaultScale() throws Exception {
        try (OnnxModel model = load("{\"layout\": \"NHWC\"}", -1, -1, -1, 3)) {
            List<Float> y = run(model, twoPixels(255, 0, 51, 0, 255, 102), List.of(1L, 1L, 2L, 3L));
            // scale 1/255, mean 0, std 1; pixel by pixel, R G B
            assertThat(y)
                    .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-6 ? 0 : 1)
                    .containsExactly(1f, 0f, 0.2f, 0f, 1f, 0.4f);
        }
    }

    @Test
    void stretchInterpolatesBetweenPixelCentres() throws Exception {
        String pre = "{\"resize\": \"stretch\", \"width\": 4, \"height\": 1, \"channels\": \"GRAY\", \"scale\": 1}";
        try (OnnxModel model = load(pre, -1, 1, 1, 4)) {
            // grey 0 and 200 (R = G = B); output pixel centres at 0.5, 1.5, 2.5, 3.5 map to source -0.25 (clamped
            // to 0), 0.25, 0.75, 1.25 (clamped to 1): 0, 50, 150, 200
            List<Float> y = run(model, twoPixels(0, 0, 0, 200, 200, 200), List.of(1L, 1L, 1L, 4L));
            assertThat(y)
                    .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-3 ? 0 : 1)
                    .containsExactly(0f, 50f, 150f, 200f);
        }
    }

    @Test
    void fitHeightKeepsTheAspectRatioAndPadsTheRow() throws Exception {
        String pre = "{\"resize\": \"fit-height\", \"width\": 6, \"height\": 2, \"channels\": \"GRAY\", \"scale\": 1,"
                + " \"mean\": [100], \"std\": [1], \"pad\": -7}";
        try (OnnxModel model = load(pre, -1, 1, 2, 6)) {
            // a 2x1 image at height 2 is 4 wide (ceil(2 * 2 / 1)); columns 4 and 5 are padding
            Image img = twoPixels(100, 100, 100, 100, 100, 100);
            List<Float> y = run(model, img, List.of(1L, 1L, 2L, 6L));
            assertThat(y).containsExactly(0f, 0f, 0f, 0f, -7f, -7f, 0f, 0f, 0f, 0f, -7f, -7f);
            // a wide image is squeezed into the full width: no padding
            List<Float> wide = run(model, new Image(40, 1, new byte[120]), List.of(1L, 1L, 2L, 6L));
            assertThat(wide).containsOnly(-100f);
        }
    }

    @Test
    void shorterSideThenCentreCrop() throws Exception {
        String pre = "{\"resize\": \"shorter-side\", \"size\": 2, \"crop\": {\"width\": 2, \"height\": 2},"
                + " \"channels\": \"GRAY\", \"scale\": 1}";
        try (OnnxModel model = load(pre, -1, 1, 2, 2)) {
            // 8x4 -> 4x2 -> the middle 2x2 (columns 1 and 2 of 4); columns of the source are 0, 10, ..., 70
            byte[] rgb = new byte[8 * 4 * 3];
            for (int i = 0; i < 8 * 4; i++) {
                int v = (i % 8) * 10;
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) v;
            }
            // output column 0 of the crop is resized column 1, centre 1.5 * 2 - 0.5 = 2.5 in the source: 25
            List<Float> y = run(model, new Image(8, 4, rgb), List.of(1L, 1L, 2L, 2L));
            assertThat(y)
                    .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-3 ? 0 : 1)
                    .containsExactly(25f, 45f, 25f, 45f);
        }
    }

    @Test
    void batchOfImagesAndBase64Files() throws Exception {
        String pre = "{\"resize\": \"stretch\", \"width\": 1, \"height\": 1, \"channels\": \"GRAY\", \"scale\": 1}";
        try (OnnxModel model = load(pre, -1, 1, 1, 1)) {
            String png = Base64.getEncoder().encodeToString(new Image(3, 3, filled(9, 90)).encodePng());
            Map<?, ?> y = output(
                    model.call(Map.of(
                            "inputs",
                            Map.of(
                                    "x",
                                    Map.of(
                                            "images",
                                            List.of(
                                                    png,
                                                    "data:image/png;base64," + png,
                                                    new Image(1, 1, filled(1, 30))))))),
                    "y");
            assertThat(y.get("shape")).isEqualTo(List.of(3L, 1L, 1L, 1L));
            assertThat((List<Float>) y.get("data"))
                    .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-3 ? 0 : 1)
                    .containsExactly(90f, 90f, 30f);
        }
    }

    @Test
    void badImageFilesAreRefusedNamingTheField() throws Exception {
        try (OnnxModel model = load("{\"resize\": \"stretch\", \"width\": 4, \"height\": 4}", -1, 3, 4, 4)) {
            String corrupt = Base64.getEncoder().encodeToString("not an image at all".getBytes());
            assertBadInput(() -> model.call(Map.of("image", corrupt)), "'inputs.x.image'", "not a PNG, JPEG");
            assertBadInput(() -> model.call(Map.of("image", "")), "'inputs.x.image'", "empty");
            byte[] truncated = Arrays.copyOf(new Image(64, 64, filled(64 * 64, 7)).encodePng(), 60);
            assertBadInput(() -> model.call(Map.of("image", truncated)), "'inputs.x.image'");
            // a 20000 x 20000 PNG header: refused from the header, before any pixel memory is taken
            String huge = Base64.getEncoder().encodeToString(pngClaiming(20_000, 20_000));
            assertThatThrownBy(() -> model.call(Map.of("image", huge)))
                    .isInstanceOfSatisfying(
                            StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.TOO_LARGE))
                    .hasMessageContaining("'inputs.x.image'")
                    .hasMessageContaining("20000x20000");
        }
    }

    @Test
    void imagesSentToATensorInputOrTooSmallForTheCropAreBadInput() throws Exception {
        try (OnnxModel model = load("{\"crop\": {\"width\": 4, \"height\": 4}}", -1, 3, 4, 4)) {
            assertBadInput(
                    () -> model.call(Map.of("image", new Image(3, 8, filled(24, 1)))),
                    "'inputs.x.image'",
                    "3x8",
                    "smaller than the 4x4 crop");
            // the tensor form still works beside the image form, and is checked against the shape
            assertBadInput(
                    () -> model.call(Map.of(
                            "inputs", Map.of("x", Map.of("shape", List.of(1, 3, 2, 2), "data", new float[12])))),
                    "'inputs.x.shape'",
                    "x: float32 [-1, 3, 4, 4]");
        }
        Path folder = TestModelFolders.linear(dir.resolve("linear"), null);
        try (OnnxModel linear = OnnxModel.load("linear", ModelDescriptor.read(folder), SessionSettings.defaults())) {
            assertBadInput(
                    () -> linear.call(Map.of(
                            "inputs", Map.of("x", Map.of("image", "abc"), "ids", Map.of("data", List.of(List.of(1)))))),
                    "'inputs.x.image'",
                    "takes tensors, not images");
            assertBadInput(() -> linear.call(Map.of("image", "abc")), "'image'", "one input, an image");
        }
    }

    @Test
    void warmUpRunsAnImageThroughThePreprocessing() throws Exception {
        // shape fixed by the model; the warm-up's grey 224x224 image is stretched to it, so loading succeeds
        try (OnnxModel model = load("{\"resize\": \"stretch\", \"width\": 5, \"height\": 3}", -1, 3, 3, 5)) {
            assertThat(model.inputs().get(0).shape()).containsExactly(-1, 3, 3, 5);
            List<Float> y = run(model, new Image(2, 2, filled(4, 51)), List.of(1L, 3L, 3L, 5L));
            assertThat(y).hasSize(45).allSatisfy(v -> assertThat(v).isCloseTo(0.2f, within(1e-6f)));
        }
    }

    private static byte[] filled(int pixels, int value) {
        byte[] rgb = new byte[pixels * 3];
        Arrays.fill(rgb, (byte) value);
        return rgb;
    }

    /**
     * @return a real 1x1 PNG whose header (IHDR, CRC fixed) claims {@code width x height}: all a reader looks at
     *     before allocating the pixels
     */
    static byte[] pngClaiming(int width, int height) {
        byte[] png = new Image(1, 1, new byte[3]).encodePng();
        ByteBuffer.wrap(png).putInt(16, width).putInt(20, height); // after the signature, length and "IHDR"
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // the chunk type and its 13 data bytes
        ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
        return png;
    }
}
