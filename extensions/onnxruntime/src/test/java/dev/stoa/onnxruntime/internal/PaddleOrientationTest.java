package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.ocr.testing.RenderedLines;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real model served through a descriptor alone: PaddleOCR's text-line orientation classifier
 * ({@code ch_ppocr_mobile_v2.0_cls_infer.onnx}, fetched by ocr-paddle's build), with PaddleOCR's own preprocessing
 * written as the {@code stoa-model.json} the distribution ships in {@code models/ppocr-orientation} (height 48, width
 * up to 192, padded; BGR; {@code (x / 255 - 0.5) / 0.5}; PaddleOCR's {@code cls_image_shape} and normalisation in
 * {@code tools/infer/predict_cls.py}) and its labels file {@code 0}, {@code 180}. Lines rendered upright must come out {@code 0}, the same lines turned by 180
 * degrees {@code 180}.
 */
@SuppressWarnings("unchecked")
class PaddleOrientationTest {

    /** The model folder the distribution ships beside models/paddleocr, whose descriptor this test checks. */
    static final Path SHIPPED = Path.of(
            System.getProperty("stoa.dist.models", "../../distribution/src/main/dist/models"), "ppocr-orientation");

    private static OnnxModel model;

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        // the installation's layout: models/ppocr-orientation names ../paddleocr/ch_ppocr_mobile_v2.0_cls_infer.onnx
        Files.createDirectories(dir.resolve("paddleocr"));
        Files.createSymbolicLink(dir.resolve("paddleocr").resolve(paddleModel().getFileName()), paddleModel());
        Path folder = Files.createDirectories(dir.resolve("ppocr-orientation"));
        for (String file : new String[] {ModelDescriptor.FILE, "labels.txt"}) {
            Files.copy(SHIPPED.resolve(file), folder.resolve(file));
        }
        model = OnnxModel.load("ppocr-orientation", ModelDescriptor.read(folder), SessionSettings.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** @return the classifier's file, where ocr-paddle's build put it */
    static Path paddleModel() {
        Path file = Path.of(System.getProperty("paddleocr.models", "../ocr-paddle/target/models/paddleocr"))
                .resolve("ch_ppocr_mobile_v2.0_cls_infer.onnx")
                .toAbsolutePath();
        assertThat(file).as("built by extensions/ocr-paddle (mvn -am)").isRegularFile();
        return file;
    }

    @Test
    void classifiesUprightAndUpsideDownLines() {
        int samples = 0;
        int right = 0;
        List<String> wrong = new ArrayList<>();
        List<Object> batch = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            RenderedLines.Sample s = RenderedLines.render(
                    List.of(RenderedLines.PHRASES.get(i)),
                    RenderedLines.FONTS.get(i % RenderedLines.FONTS.size()).deriveFont((float)
                            RenderedLines.SIZES[i % RenderedLines.SIZES.length]),
                    RenderedLines.COLOURS[i % RenderedLines.COLOURS.length][0],
                    RenderedLines.COLOURS[i % RenderedLines.COLOURS.length][1],
                    0,
                    0);
            Image line = lineCrop(s);
            batch.add(line);
            expected.add("0");
            batch.add(rotated180(line));
            expected.add("180");
        }
        long start = System.nanoTime();
        Map<String, Object> answer = model.call(Map.of("images", batch));
        double ms = (System.nanoTime() - start) / 1e6;
        List<List<Map<String, Object>>> rows = (List<List<Map<String, Object>>>)
                OnnxModelTest.output(answer, "softmax_0.tmp_0").get("classes");
        assertThat(rows).hasSize(batch.size());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> best = rows.get(i).get(0);
            samples++;
            if (best.get("label").equals(expected.get(i))) {
                right++;
            } else {
                wrong.add("line " + i / 2 + " (" + expected.get(i) + "): " + best);
            }
            assertThat(((Number) best.get("score")).doubleValue()).isBetween(0.5, 1.0);
        }
        System.out.printf(
                "[measure] ppocr-orientation through stoa-model.json: %d of %d lines right, %d images in"
                        + " %.0f ms (one batch)%n",
                right, samples, samples, ms);
        assertThat(wrong).as("misclassified lines").isEmpty();
    }

    @Test
    void oneImageAtTheTopOfTheRequest() {
        RenderedLines.Sample s = RenderedLines.render(
                List.of("Stoa reads text in images"),
                RenderedLines.FONTS.get(0).deriveFont(32f),
                Color.BLACK,
                Color.WHITE,
                0,
                0);
        Image line = lineCrop(s);
        Map<String, Object> upright = model.call(Map.of("image", line));
        System.out.println("[measure] ppocr-orientation answer for an upright line: " + upright);
        assertThat(label(upright)).isEqualTo("0");
        assertThat(label(model.call(Map.of("image", rotated180(line))))).isEqualTo("180");
        assertThat(model.outputs().get(0).shape()).containsExactly(-1, 2);
    }

    private static String label(Map<String, Object> answer) {
        List<List<Map<String, Object>>> rows = (List<List<Map<String, Object>>>)
                OnnxModelTest.output(answer, "softmax_0.tmp_0").get("classes");
        return (String) rows.get(0).get(0).get("label");
    }

    /** The drawn line with a margin of a quarter of its height, as a detector's box would cut it out. */
    static Image lineCrop(RenderedLines.Sample s) {
        RenderedLines.Line l = s.lines().get(0);
        int pad = (l.bottom() - l.top()) / 4;
        int x0 = Math.max(0, l.left() - pad);
        int x1 = Math.min(s.image().width(), s.image().width() - l.left() + pad);
        int y0 = Math.max(0, l.top() - pad);
        int y1 = Math.min(s.image().height(), l.bottom() + pad);
        return Image.fromBufferedImage(s.image().toBufferedImage().getSubimage(x0, y0, x1 - x0, y1 - y0));
    }

    /** @return the image turned by 180 degrees: pixel order reversed */
    static Image rotated180(Image image) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        int pixels = in.length / 3;
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(in, 3 * p, out, 3 * (pixels - 1 - p), 3);
        }
        return new Image(image.width(), image.height(), out);
    }
}
