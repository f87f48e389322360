package dev.stoa.datasets.internal;

import dev.stoa.api.data.Image;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Draws a {@link ShapeScene} with Java2D, antialiased, into an {@code (S, S, 3)} RGB {@link Image}. Shapes are
 * geometry only, so they draw the same on every machine; a word is drawn with the logical font {@code SansSerif},
 * whose glyphs depend on the fonts installed.
 */
final class ShapeRenderer {

    /** Darkest grey of the noise background; 255 is the lightest. Light, so every shape colour stands out. */
    private static final int NOISE_FLOOR = 215;
    /** Colour of drawn words: near black, unlike every shape colour. */
    private static final Color TEXT = new Color(0x141414);

    private final int side;
    /**
     * Canvases not in use. A thread takes one (or makes one) per example and gives it back, so threads never share
     * one; held by the dataset rather than by threads (no ThreadLocal), so nothing outlives the bundle.
     */
    private final ConcurrentLinkedDeque<Canvas> idle = new ConcurrentLinkedDeque<>();

    /** @param side image side, pixels */
    ShapeRenderer(int side) {
        this.side = side;
    }

    /**
     * @param scene what to draw
     * @param noiseSeed seed of the background noise, or null for a white background
     * @return the image
     */
    Image render(ShapeScene scene, Long noiseSeed) {
        Canvas canvas = idle.pollFirst();
        if (canvas == null) {
            canvas = new Canvas(side);
        }
        try {
            return draw(canvas, scene, noiseSeed);
        } finally {
            idle.offerFirst(canvas);
        }
    }

    private static Image draw(Canvas canvas, ShapeScene scene, Long noiseSeed) {
        int side = canvas.side;
        int[] px = canvas.pixels;
        if (noiseSeed == null) {
            Arrays.fill(px, 0xFFFFFF);
        } else {
            SplittableRandom noise = new SplittableRandom(noiseSeed);
            for (int i = 0; i < px.length; i++) {
                int g = NOISE_FLOOR + noise.nextInt(256 - NOISE_FLOOR);
                px[i] = g << 16 | g << 8 | g;
            }
        }
        Graphics2D g = canvas.graphics;
        g.setColor(new Color(scene.colour().rgb()));
        for (double[] p : scene.placements()) {
            g.fill(scene.kind().outline(p[0], p[1], p[2]));
        }
        if (scene.text() != null) {
            g.setColor(TEXT);
            g.drawString(scene.text(), scene.textX(), scene.textY());
        }
        // straight from the int buffer: Image.fromBufferedImage's getRGB goes pixel by pixel through the colour
        // model, which cost more than the drawing itself at 32x32
        byte[] rgb = new byte[px.length * 3];
        for (int i = 0, j = 0; i < px.length; i++) {
            int p = px[i];
            rgb[j++] = (byte) (p >> 16);
            rgb[j++] = (byte) (p >> 8);
            rgb[j++] = (byte) p;
        }
        return new Image(side, side, rgb);
    }

    /**
     * An image and its Graphics2D, reused from example to example: creating them cost as much as drawing a shape. Every pixel is rewritten per example (background first), so nothing carries over.
     */
    private static final class Canvas {

        final int side;
        final int[] pixels;
        final Graphics2D graphics;

        Canvas(int side) {
            this.side = side;
            BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            this.pixels = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            this.graphics = img.createGraphics();
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(6, side / 4)));
        }
    }
}
