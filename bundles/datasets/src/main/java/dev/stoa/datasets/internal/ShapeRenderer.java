package dev.stoa.datasets.internal;

import dev.stoa.api.data.Image;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

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

    private ShapeRenderer() {
    }

    /**
     * @param scene what to draw
     * @param side image side, pixels
     * @param noiseSeed seed of the background noise, or null for a white background
     * @return the image
     */
    static Image render(ShapeScene scene, int side, Long noiseSeed) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        if (noiseSeed == null) {
            java.util.Arrays.fill(px, 0xFFFFFF);
        } else {
            SplittableRandom noise = new SplittableRandom(noiseSeed);
            for (int i = 0; i < px.length; i++) {
                int g = NOISE_FLOOR + noise.nextInt(256 - NOISE_FLOOR);
                px[i] = g << 16 | g << 8 | g;
            }
        }
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(new Color(scene.colour().rgb()));
            for (double[] p : scene.placements()) {
                g.fill(scene.kind().outline(p[0], p[1], p[2]));
            }
            if (scene.text() != null) {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(6, side / 4)));
                g.setColor(TEXT);
                g.drawString(scene.text(), scene.textX(), scene.textY());
            }
        } finally {
            g.dispose();
        }
        return Image.fromBufferedImage(img);
    }
}
