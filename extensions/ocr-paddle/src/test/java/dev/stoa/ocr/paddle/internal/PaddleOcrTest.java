package dev.stoa.ocr.paddle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.TextLine;
import dev.stoa.ocr.testing.RenderedLines;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real PP-OCRv4 models, fetched by the build, on rendered text. */
class PaddleOcrTest {

    private static PaddleOcr ocr;

    @BeforeAll
    static void load() throws Exception {
        long start = System.nanoTime();
        ocr = PaddleOcr.load(Path.of(System.getProperty("paddleocr.models")), PaddleOcr.DEFAULT_MAX_SIDE, 0);
        System.out.printf("[measure] ocr-paddle: models loaded in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void close() throws Exception {
        ocr.close();
    }

    @Test
    void readsRenderedLinesExactly() throws Exception {
        List<RenderedLines.Sample> samples = RenderedLines.samples(20);
        ocr.read(samples.get(0).image()); // warm-up: the first run of a session allocates its buffers
        int lines = 0;
        int exact = 0;
        long[] millis = new long[samples.size()];
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            RenderedLines.Sample sample = samples.get(i);
            long start = System.nanoTime();
            RecognizedText read = ocr.read(sample.image());
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
            assertThat(read.lines())
                    .as("reading order")
                    .isSortedAccordingTo((a, b) -> Integer.compare(a.y() + a.height() / 2, b.y() + b.height() / 2));
        }
        Arrays.sort(millis);
        double rate = (double) exact / lines;
        System.out.printf(
                "[measure] ocr-paddle: %d of %d rendered lines exact (%.1f%%), %d images (%dx%d to %dx%d)"
                        + " in %d ms: per image p50 %d ms, max %d ms%n",
                exact,
                lines,
                100 * rate,
                samples.size(),
                samples.get(0).image().width(),
                samples.get(0).image().height(),
                samples.get(samples.size() - 1).image().width(),
                samples.get(samples.size() - 1).image().height(),
                Arrays.stream(millis).sum(),
                millis[millis.length / 2],
                millis[millis.length - 1]);
        misses.forEach(m -> System.out.println("[measure] ocr-paddle miss: " + m));
        assertThat(rate).as("exact-line rate; misses: %s", misses).isGreaterThanOrEqualTo(0.95);
    }

    /** @return the text of the line read whose vertical centre lies in the drawn line's rows, or null */
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
    void boxesSurroundTheDrawnLines() throws Exception {
        RenderedLines.Sample sample = RenderedLines.samples(1).get(0);
        RecognizedText read = ocr.read(sample.image());
        assertThat(read.lines()).hasSize(sample.lines().size());
        for (int i = 0; i < read.lines().size(); i++) {
            TextLine line = read.lines().get(i);
            RenderedLines.Line drawn = sample.lines().get(i);
            // the ink lies inside the font's ascent-to-descent band, and the box is grown around the ink
            int centre = (drawn.top() + drawn.bottom()) / 2;
            assertThat(line.y()).isLessThan(centre);
            assertThat(line.y() + line.height()).isGreaterThan(centre);
            assertThat(line.height()).isLessThan(2 * (drawn.bottom() - drawn.top()));
            assertThat(line.x()).isBetween(drawn.left() - 20, drawn.left() + 5);
            assertThat(line.confidence()).isBetween(PaddleOcr.DROP_SCORE, 1.0);
        }
    }

    @Test
    void onePixelImageHasNoText() throws Exception {
        assertThat(ocr.read(new Image(1, 1, new byte[] {(byte) 255, (byte) 255, (byte) 255}))
                        .lines())
                .isEmpty();
        assertThat(ocr.read(new Image(1, 1, new byte[3])).lines()).isEmpty();
    }

    @Test
    void blankImageHasNoText() throws Exception {
        byte[] white = new byte[640 * 200 * 3];
        Arrays.fill(white, (byte) 255);
        assertThat(ocr.read(new Image(640, 200, white)).lines()).isEmpty();
    }

    @Test
    void largeImageIsScaledDownForDetectionAndRead() throws Exception {
        // 5000 x 3000: the detector sees it at 960 x 576; the line is cropped from the full image for recognition
        String text = "Large images are scaled down first";
        RenderedLines.Sample sample = RenderedLines.render(
                List.of(text), new Font(Font.SANS_SERIF, Font.PLAIN, 150), Color.BLACK, Color.WHITE, 5000, 3000);
        long start = System.nanoTime();
        RecognizedText read = ocr.read(sample.image());
        System.out.printf(
                "[measure] ocr-paddle: %dx%d image read in %d ms%n",
                sample.image().width(), sample.image().height(), (System.nanoTime() - start) / 1_000_000);
        assertThat(read.fullText()).isEqualTo(text);
    }

    @Test
    void smallImagesScaledUpForDetectionAreReadAndLargerOnesStillAre() throws Exception {
        // the distribution's setting (etc/dev.stoa.ocr.paddle.cfg): images below 192 px are scaled up for detection
        try (PaddleOcr up = PaddleOcr.load(Path.of(System.getProperty("paddleocr.models")), 960, 192, 0)) {
            RenderedLines.Sample small = RenderedLines.render(
                    List.of("STOP"), new Font(Font.SANS_SERIF, Font.BOLD, 12), Color.BLACK, Color.WHITE, 96, 64);
            String atSize = ocr.read(small.image()).fullText();
            String scaled = up.read(small.image()).fullText();
            System.out.printf(
                    "[measure] ocr-paddle: a 12 px word in a 96x64 image read as \"%s\" as it is, \"%s\" at 192%n",
                    atSize, scaled);
            assertThat(scaled).isEqualTo("STOP");
            int lines = 0;
            int exact = 0;
            for (RenderedLines.Sample sample : RenderedLines.samples(20)) {
                RecognizedText read = up.read(sample.image());
                for (RenderedLines.Line drawn : sample.lines()) {
                    lines++;
                    exact += drawn.text().equals(lineAt(read, drawn)) ? 1 : 0;
                }
            }
            System.out.printf("[measure] ocr-paddle, minSideLength 192: %d of %d rendered lines exact%n", exact, lines);
            assertThat((double) exact / lines).isGreaterThanOrEqualTo(0.95);
        }
    }
}
