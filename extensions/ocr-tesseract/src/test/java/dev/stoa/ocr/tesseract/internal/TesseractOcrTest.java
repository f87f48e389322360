package dev.stoa.ocr.tesseract.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.TextLine;
import dev.stoa.ocr.testing.RenderedLines;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tesseract with Debian's English model (package tesseract-ocr-eng, which .ci/run installs) on rendered text. Skipped
 * where the model is not installed.
 */
class TesseractOcrTest {

    private static final Path TESSDATA =
            Path.of(System.getProperty("stoa.tessdata", "/usr/share/tesseract-ocr/5/tessdata"));

    /** Least exact-line rate: Tesseract read all 60 lines here; allow a few misses on another machine's fonts. */
    private static final double MIN_RATE = 0.9;

    private static TesseractOcr ocr;

    @BeforeAll
    static void load() {
        assumeTrue(
                Files.isRegularFile(TESSDATA.resolve("eng.traineddata")),
                "no eng.traineddata in " + TESSDATA + ": apt-get install tesseract-ocr-eng");
        long start = System.nanoTime();
        ocr = new TesseractOcr(TESSDATA, "eng", 1, 4096);
        System.out.printf("[measure] ocr-tesseract: model loaded in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void close() {
        if (ocr != null) {
            ocr.close();
        }
    }

    @Test
    void readsRenderedLines() {
        List<RenderedLines.Sample> samples = RenderedLines.samples(20);
        ocr.call(samples.get(0).image()); // warm-up
        int lines = 0;
        int exact = 0;
        long[] millis = new long[samples.size()];
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            RenderedLines.Sample sample = samples.get(i);
            long start = System.nanoTime();
            RecognizedText read = ocr.call(sample.image());
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            for (RenderedLines.Line drawn : sample.lines()) {
                lines++;
                String got = lineAt(read, drawn);
                if (drawn.text().equals(got)) {
                    exact++;
                } else {
                    misses.add(sample.description() + ": expected \"" + drawn.text() + "\", read \"" + got + "\"");
                }
            }
        }
        Arrays.sort(millis);
        double rate = (double) exact / lines;
        System.out.printf(
                "[measure] ocr-tesseract: %d of %d rendered lines exact (%.1f%%), %d images in %d ms:"
                        + " per image p50 %d ms, max %d ms%n",
                exact,
                lines,
                100 * rate,
                samples.size(),
                Arrays.stream(millis).sum(),
                millis[millis.length / 2],
                millis[millis.length - 1]);
        misses.forEach(m -> System.out.println("[measure] ocr-tesseract miss: " + m));
        assertThat(rate).as("exact-line rate; misses: %s", misses).isGreaterThanOrEqualTo(MIN_RATE);
    }

    static String lineAt(RecognizedText read, RenderedLines.Line drawn) {
        for (TextLine line : read.lines()) {
            int centre = line.y() + line.height() / 2;
            if (centre >= drawn.top() && centre <= drawn.bottom()) {
                return line.text();
            }
        }
        return null;
    }

    @Test
    void onePixelAndBlankImagesHaveNoText() {
        assertThat(ocr.call(new Image(1, 1, new byte[] {(byte) 255, (byte) 255, (byte) 255}))
                        .lines())
                .isEmpty();
        byte[] white = new byte[640 * 200 * 3];
        Arrays.fill(white, (byte) 255);
        assertThat(ocr.call(new Image(640, 200, white)).lines()).isEmpty();
    }

    @Test
    void largeImageIsScaledDownAndBoxesAreInItsPixels() {
        String text = "Large images are scaled down first";
        RenderedLines.Sample sample = RenderedLines.render(
                List.of(text), new Font(Font.SANS_SERIF, Font.PLAIN, 220), Color.BLACK, Color.WHITE, 7000, 3000);
        long start = System.nanoTime();
        RecognizedText read = ocr.call(sample.image());
        System.out.printf(
                "[measure] ocr-tesseract: %dx%d image read in %d ms%n",
                sample.image().width(), sample.image().height(), (System.nanoTime() - start) / 1_000_000);
        assertThat(read.fullText()).isEqualTo(text);
        RenderedLines.Line drawn = sample.lines().get(0);
        TextLine line = read.lines().get(0);
        // the box is in the 7000-pixel-wide original, not in the 4096-pixel copy Tesseract read
        assertThat(line.x()).isBetween(drawn.left() - 20, drawn.left() + 40);
        assertThat(line.y() + line.height() / 2).isBetween(drawn.top(), drawn.bottom());
    }

    @Test
    void scalerAveragesEachOutputPixelsArea() {
        // 4x2 -> 2x1: each output pixel is the mean of a 2x2 block
        byte[] rgb = new byte[4 * 2 * 3];
        int[] values = {0, 100, 200, 40, 10, 110, 210, 50};
        for (int i = 0; i < values.length; i++) {
            Arrays.fill(rgb, i * 3, i * 3 + 3, (byte) values[i]);
        }
        Image half = ImageScaler.scale(new Image(4, 2, rgb), 0.5);
        assertThat(half.width()).isEqualTo(2);
        assertThat(half.height()).isEqualTo(1);
        assertThat(half.rgb()[0] & 0xff).isEqualTo((0 + 100 + 10 + 110) / 4);
        assertThat(half.rgb()[3] & 0xff).isEqualTo((200 + 40 + 210 + 50) / 4);
    }
}
