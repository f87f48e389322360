package dev.stoa.train.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws a run's training loss (and its evaluation metric, on a 0-1 axis) against the step, as a PNG. */
final class LossCurve {

    private static final int W = 900;
    private static final int H = 480;
    private static final int PAD = 60;

    private LossCurve() {}

    /**
     * @param file where to write the PNG
     * @param title the chart's title
     * @param steps the logged steps
     * @param losses the loss at each
     * @param evalSteps the evaluated steps
     * @param evalValues the evaluation metric at each, in [0, 1]
     * @param evalName the metric's name
     * @throws IOException if the file cannot be written
     */
    static void write(
            Path file,
            String title,
            List<Long> steps,
            List<Double> losses,
            List<Long> evalSteps,
            List<Double> evalValues,
            String evalName)
            throws IOException {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.DARK_GRAY);
            g.drawString(title, PAD, 25);
            g.drawRect(PAD, PAD, W - 2 * PAD, H - 2 * PAD);
            long maxStep = Math.max(1, steps.isEmpty() ? 1 : steps.get(steps.size() - 1));
            for (long s : evalSteps) {
                maxStep = Math.max(maxStep, s);
            }
            double maxLoss = losses.stream()
                    .filter(Double::isFinite)
                    .mapToDouble(d -> d)
                    .max()
                    .orElse(1);
            g.drawString("step " + maxStep, W - PAD - 60, H - PAD + 20);
            g.drawString("0", PAD - 10, H - PAD + 20);
            g.setColor(new Color(0x1f77b4));
            g.drawString(String.format("loss (max %.3f)", maxLoss), PAD, PAD - 8);
            g.setStroke(new BasicStroke(1.5f));
            polyline(g, steps, losses, maxStep, maxLoss);
            if (!evalSteps.isEmpty()) {
                g.setColor(new Color(0xd62728));
                g.drawString(evalName + " (0 to 1, right axis)", W / 2, PAD - 8);
                polyline(g, evalSteps, evalValues, maxStep, 1.0);
                for (int i = 0; i < evalSteps.size(); i++) {
                    int x = x(evalSteps.get(i), maxStep);
                    int y = y(evalValues.get(i), 1.0);
                    g.fillOval(x - 3, y - 3, 6, 6);
                }
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void polyline(Graphics2D g, List<Long> xs, List<Double> ys, long maxX, double maxY) {
        for (int i = 1; i < xs.size(); i++) {
            if (Double.isFinite(ys.get(i - 1)) && Double.isFinite(ys.get(i))) {
                g.drawLine(x(xs.get(i - 1), maxX), y(ys.get(i - 1), maxY), x(xs.get(i), maxX), y(ys.get(i), maxY));
            }
        }
    }

    private static int x(long step, long maxStep) {
        return PAD + (int) ((W - 2.0 * PAD) * step / maxStep);
    }

    private static int y(double value, double max) {
        return H - PAD - (int) ((H - 2.0 * PAD) * Math.max(0, Math.min(value, max)) / max);
    }
}
