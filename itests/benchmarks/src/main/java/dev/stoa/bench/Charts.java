package dev.stoa.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** PNG charts drawn with Java2D (headless): grouped bars and lines, enough for a benchmark report. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b)
    };

    private Charts() {}

    /**
     * Grouped bars: one group per entry of {@code groups}, one bar per series in each.
     *
     * @param values {@code values[group][series]}; NaN draws no bar
     */
    static void bars(
            Path file, String title, String yLabel, List<String> groups, List<String> series, double[][] values)
            throws IOException {
        double max = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = niceMax(max);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, title);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        yAxis(g, yLabel, 0, max);
        double groupW = plotW / (double) groups.size();
        double barW = groupW * 0.8 / series.size();
        for (int gi = 0; gi < groups.size(); gi++) {
            double x0 = LEFT + gi * groupW + groupW * 0.1;
            for (int si = 0; si < series.size(); si++) {
                double v = values[gi][si];
                if (Double.isNaN(v)) {
                    continue;
                }
                int h = (int) Math.round(v / max * plotH);
                g.setColor(PALETTE[si % PALETTE.length]);
                g.fillRect((int) (x0 + si * barW), TOP + plotH - h, (int) Math.max(1, barW - 2), h);
            }
            g.setColor(Color.BLACK);
            String label = groups.get(gi);
            g.drawString(
                    label, (int) (x0 + groupW * 0.4 - g.getFontMetrics().stringWidth(label) / 2.0), TOP + plotH + 18);
        }
        legend(g, series);
        write(image, g, file);
    }

    /**
     * Lines through points.
     *
     * @param series name -> points {@code {x, y}} in x order
     * @param log2X whether the x axis is logarithmic (base 2), as for concurrency 1, 2, 4, ...
     */
    static void lines(
            Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean log2X)
            throws IOException {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (double[][] points : series.values()) {
            for (double[] p : points) {
                double x = log2X ? log2(p[0]) : p[0];
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                if (!Double.isNaN(p[1])) {
                    maxY = Math.max(maxY, p[1]);
                }
            }
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        maxY = niceMax(maxY);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, title);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        yAxis(g, yLabel, 0, maxY);
        g.setColor(Color.BLACK);
        for (double[][] points : series.values()) {
            for (double[] p : points) {
                double x = log2X ? log2(p[0]) : p[0];
                int px = LEFT + (int) Math.round((x - minX) / (maxX - minX) * plotW);
                String label = p[0] == Math.rint(p[0]) ? Long.toString((long) p[0]) : String.valueOf(p[0]);
                g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
            }
            break;
        }
        g.drawString(xLabel, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, TOP + plotH + 40);
        int si = 0;
        for (double[][] points : series.values()) {
            g.setColor(PALETTE[si++ % PALETTE.length]);
            g.setStroke(new BasicStroke(2.5f));
            int lastX = -1;
            int lastY = -1;
            for (double[] p : points) {
                if (Double.isNaN(p[1])) {
                    continue;
                }
                double x = log2X ? log2(p[0]) : p[0];
                int px = LEFT + (int) Math.round((x - minX) / (maxX - minX) * plotW);
                int py = TOP + plotH - (int) Math.round(p[1] / maxY * plotH);
                g.fillOval(px - 4, py - 4, 8, 8);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, px, py);
                }
                lastX = px;
                lastY = py;
            }
        }
        legend(g, List.copyOf(series.keySet()));
        write(image, g, file);
    }

    private static Graphics2D canvas(BufferedImage image, String title) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static void yAxis(Graphics2D g, String label, double min, double max) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        for (int i = 0; i <= 5; i++) {
            double v = min + (max - min) * i / 5;
            int y = TOP + plotH - plotH * i / 5;
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.BLACK);
            String text = String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
            g.drawString(text, LEFT - 8 - g.getFontMetrics().stringWidth(text), y + 4);
        }
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(label, -(TOP + plotH / 2 + rotated.getFontMetrics().stringWidth(label) / 2), 20);
        rotated.dispose();
    }

    private static void legend(Graphics2D g, List<String> series) {
        int x = WIDTH - RIGHT + 15;
        for (int i = 0; i < series.size(); i++) {
            int y = TOP + 10 + i * 22;
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(x, y - 10, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i), x + 20, y + 2);
        }
    }

    private static void write(BufferedImage image, Graphics2D g, Path file) throws IOException {
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    /** Rounds an axis maximum up to 1, 2 or 5 times a power of ten. */
    static double niceMax(double max) {
        if (max <= 0 || Double.isNaN(max)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= max) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
