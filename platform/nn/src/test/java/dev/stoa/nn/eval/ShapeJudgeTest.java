package dev.stoa.nn.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The judge on shapes drawn here with Java2D, with geometry of this test's own (another star's inner radius, another
 * cross's arm width, other colours of the same names), turned, at sizes from small to filling the frame, on white
 * and on grey noise: the images another program would draw. The dataset's own images are checked by the survey
 * benchmark's tests.
 */
class ShapeJudgeTest {

    /** Colours of the same names as the dataset's, not its values. */
    private static final int[][] COLOURS = {
        {230, 20, 40}, {255, 140, 0}, {250, 220, 30}, {20, 170, 80}, {40, 80, 230}, {150, 50, 190}
    };

    @Test
    void hueOfEachNamedColourIsItsOwn() {
        for (int k = 0; k < COLOURS.length; k++) {
            int r = COLOURS[k][0];
            int g = COLOURS[k][1];
            int b = COLOURS[k][2];
            int max = Math.max(r, Math.max(g, b));
            int min = Math.min(r, Math.min(g, b));
            assertThat(ShapeJudge.nearestHue(ShapeJudge.hue(r, g, b, max, min)))
                    .as(ShapeJudge.COLOURS.get(k))
                    .isEqualTo(k);
        }
    }

    @Test
    void hullOfAPixelSquareIsItsArea() {
        double[] xs = new double[16];
        double[] ys = new double[16];
        for (int i = 0; i < 16; i++) {
            xs[i] = i % 4 + 0.5;
            ys[i] = i / 4 + 0.5;
        }
        double[][] hull = ShapeJudge.hullOfPixels(xs, ys);
        assertThat(hull).hasNumberOfRows(4);
        assertThat(ShapeJudge.polygonArea(hull)).isEqualTo(16.0);
    }

    @Test
    void aBlankImageHasNoColourAndNoShape() {
        byte[] white = new byte[32 * 32 * 3];
        java.util.Arrays.fill(white, (byte) 255);
        ShapeJudge.Verdict v = ShapeJudge.judge(new Image(32, 32, white));
        assertThat(v.colour()).isNull();
        assertThat(v.shape()).isNull();
        assertThat(v.says("red", "circle")).isFalse();
    }

    @Test
    void readsShapesAnotherProgramDrew() {
        SplittableRandom random = new SplittableRandom(11);
        int right = 0;
        int n = 600;
        StringBuilder wrong = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int colour = random.nextInt(COLOURS.length);
            int shape = random.nextInt(ShapeJudge.SHAPES.size());
            int side = random.nextBoolean() ? 32 : 96;
            double radius = side * (0.16 + 0.3 * random.nextDouble());
            Image image = draw(side, colour, shape, radius, random.nextDouble() * 2 * Math.PI, random);
            ShapeJudge.Verdict v = ShapeJudge.judge(image);
            if (v.says(ShapeJudge.COLOURS.get(colour), ShapeJudge.SHAPES.get(shape))) {
                right++;
            } else if (wrong.length() < 2000) {
                wrong.append(ShapeJudge.COLOURS.get(colour))
                        .append(' ')
                        .append(ShapeJudge.SHAPES.get(shape))
                        .append(String.format(" r=%.1f@%d -> %s%n", radius, side, v));
            }
        }
        assertThat((double) right / n)
                .as("right of %d; wrong ones:%n%s", n, wrong)
                .isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theLargestCopyIsTheOneJudged() {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 64, 64);
        g.setColor(new Color(40, 80, 230));
        g.fill(new Rectangle2D.Double(4, 4, 24, 24));
        g.fill(new Rectangle2D.Double(40, 40, 10, 10));
        g.dispose();
        ShapeJudge.Verdict v = ShapeJudge.judge(Image.fromBufferedImage(img));
        assertThat(v.says("blue", "square")).as("%s", v).isTrue();
        assertThat(v.pixels()).isEqualTo(24 * 24 + 10 * 10);
    }

    private static Image draw(int side, int colour, int shape, double r, double angle, SplittableRandom random) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        boolean noise = random.nextBoolean();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int grey = noise ? 200 + random.nextInt(56) : 255;
                img.setRGB(x, y, grey << 16 | grey << 8 | grey);
            }
        }
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_ANTIALIASING,
                random.nextBoolean() ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
        int[] c = COLOURS[colour];
        g.setColor(new Color(jitter(c[0], random), jitter(c[1], random), jitter(c[2], random)));
        double margin = r * 1.15;
        double cx = margin + random.nextDouble() * Math.max(0, side - 2 * margin);
        double cy = margin + random.nextDouble() * Math.max(0, side - 2 * margin);
        Shape s = switch (shape) {
            case 0 -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(cx - 0.7 * r, cy - 0.7 * r, 1.4 * r, 1.4 * r);
            case 2 -> polygon(cx, cy, r, r, 3);
            case 3 -> polygon(cx, cy, r, 0.42 * r, 10);
            default -> cross(cx, cy, r, 0.25 * r);
        };
        g.fill(AffineTransform.getRotateInstance(angle, cx, cy).createTransformedShape(s));
        g.dispose();
        return Image.fromBufferedImage(img);
    }

    private static int jitter(int v, SplittableRandom random) {
        return Math.max(0, Math.min(255, v + random.nextInt(-12, 13)));
    }

    private static Shape polygon(double cx, double cy, double outer, double inner, int vertices) {
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < vertices; k++) {
            double radius = vertices > 3 && k % 2 == 1 ? inner : outer;
            double a = 2 * Math.PI * k / vertices;
            double x = cx + radius * Math.sin(a);
            double y = cy - radius * Math.cos(a);
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static Shape cross(double cx, double cy, double r, double half) {
        Area a = new Area(new Rectangle2D.Double(cx - r, cy - half, 2 * r, 2 * half));
        a.add(new Area(new Rectangle2D.Double(cx - half, cy - r, 2 * half, 2 * r)));
        return a;
    }
}
