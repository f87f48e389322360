package dev.stoa.ocr.testing;

import dev.stoa.api.data.Image;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Test images: lines of English words, digits and punctuation drawn with Java2D in several fonts, sizes and colour
 * pairs, each with the band of rows it was drawn in, so a reader's lines can be matched to what was drawn. Shared with
 * ocr-tesseract's tests (this module's test-jar), so the two engines' rates are measured on the same images.
 */
public final class RenderedLines {

    public static final List<String> PHRASES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Invoice 2024-117: total $3,580.25",
            "Call 555-0134 before 9:30 am!",
            "Order #4471 shipped on 12/05/2023",
            "Temperature: 21.5 C (72 F)",
            "Plugins load at runtime; models too.",
            "Version 0.36.0 is stable",
            "Page 7 of 12",
            "Apples, pears and plums",
            "Room 101, second floor",
            "Score: 98/100",
            "Open 24 hours a day",
            "Stoa reads text in images",
            "Price: 19.99 EUR",
            "Flight LH 2417 departs at 14:05",
            "Keep calm and carry on",
            "Is it ready? Yes, it is.",
            "Meet me at 7 pm on Friday");

    /** Font families: the JDK's logical fonts, which map to DejaVu Sans, Serif and Sans Mono on Debian. */
    public static final List<Font> FONTS = List.of(
            new Font(Font.SANS_SERIF, Font.PLAIN, 1),
            new Font(Font.SERIF, Font.PLAIN, 1),
            new Font(Font.MONOSPACED, Font.PLAIN, 1),
            new Font(Font.SANS_SERIF, Font.BOLD, 1),
            new Font(Font.SERIF, Font.ITALIC, 1));

    public static final int[] SIZES = {18, 24, 32, 44};

    /** Ink on paper: black on white, white on dark blue, dark red on light yellow. */
    public static final Color[][] COLOURS = {
        {Color.BLACK, Color.WHITE},
        {Color.WHITE, new Color(20, 40, 110)},
        {new Color(150, 20, 20), new Color(255, 245, 190)}
    };

    /** A drawn line: its text, the rows of its font's ascent to descent, and where it starts. */
    public record Line(String text, int top, int bottom, int left) {}

    /** An image and the lines drawn on it, top to bottom. */
    public record Sample(Image image, List<Line> lines, String description) {}

    private RenderedLines() {}

    /** @return {@code count} images of three lines each, cycling through the fonts, sizes, colours and phrases */
    public static List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Font font = FONTS.get(i % FONTS.size()).deriveFont((float) SIZES[i % SIZES.length]);
            Color[] colours = COLOURS[i % COLOURS.length];
            List<String> texts = List.of(
                    PHRASES.get((3 * i) % PHRASES.size()),
                    PHRASES.get((3 * i + 1) % PHRASES.size()),
                    PHRASES.get((3 * i + 2) % PHRASES.size()));
            samples.add(render(texts, font, colours[0], colours[1], 0, 0));
        }
        return samples;
    }

    /**
     * Draws lines on a canvas with a margin of one line height, at an offset inside a larger canvas when
     * {@code canvasWidth}/{@code canvasHeight} are positive.
     */
    public static Sample render(
            List<String> texts, Font font, Color ink, Color paper, int canvasWidth, int canvasHeight) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics metrics = pg.getFontMetrics(font);
        pg.dispose();
        int lineHeight = metrics.getHeight();
        int margin = lineHeight;
        int textWidth = texts.stream().mapToInt(metrics::stringWidth).max().orElse(0);
        int width = Math.max(canvasWidth, textWidth + 2 * margin);
        int height = Math.max(canvasHeight, texts.size() * lineHeight * 2 + margin);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(paper);
        g.fillRect(0, 0, width, height);
        g.setColor(ink);
        g.setFont(font);
        List<Line> lines = new ArrayList<>();
        int y = margin;
        for (String text : texts) {
            g.drawString(text, margin, y + metrics.getAscent());
            lines.add(new Line(text, y, y + metrics.getAscent() + metrics.getDescent(), margin));
            y += 2 * lineHeight;
        }
        g.dispose();
        return new Sample(
                Image.fromBufferedImage(img),
                lines,
                font.getFontName() + " " + font.getSize() + "px " + hex(ink) + " on " + hex(paper));
    }

    private static String hex(Color c) {
        return String.format("#%06x", c.getRGB() & 0xffffff);
    }
}
