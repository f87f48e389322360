package dev.stoa.datasets.internal;

import dev.stoa.api.data.Mask;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Each copy's exact mask, for segmentation models (SAM): the copy is drawn alone, white on black, by the renderer's
 * own {@link ShapeRenderer#drawCopy} (same placement, turn, size, fill or outline stroke, antialiasing) at the render
 * size, resized to the image size as the image is ({@link PixelEffects#resize}), and a pixel belongs to the mask when
 * the copy covers at least half of it: where, in the image, the pixel is nearer the shape's colour than the
 * background's. Blur, pixel noise, the JPEG round trip and a word drawn over a copy are not in the mask (they change
 * the pixels around it, not the object).
 *
 * <p>The attribute {@link #ATTRIBUTE} holds every copy's mask as text: copies joined by {@code ;}, each
 * {@code x0,y0,x1,y1:c0 c1 c2 ...}, its box in pixel edges (x1, y1 exclusive) and COCO's uncompressed run lengths of
 * the whole image, column-major, starting with a background run ({@link Mask#rleCounts()}).
 */
final class ShapeMasks {

    /** The example attribute that carries the masks. */
    static final String ATTRIBUTE = "masks";

    /** Coverage at or above which a pixel is in the mask: half of 255. */
    private static final int HALF = 128;

    private ShapeMasks() {}

    /**
     * @param scene the scene
     * @param look how it was drawn
     * @param imageSide the image's side
     * @return one mask per copy, in the scene's order
     */
    static List<Mask> masks(ShapeScene scene, ShapeLook look, int imageSide) {
        int drawSide = look.renderSize();
        BufferedImage canvas = new BufferedImage(drawSide, drawSide, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(
                    RenderingHints.KEY_ANTIALIASING,
                    look.antialias() ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setColor(Color.WHITE);
            double scale = (double) drawSide / imageSide;
            List<Mask> out = new ArrayList<>(scene.count());
            for (int n = 0; n < scene.count(); n++) {
                Arrays.fill(px, 0);
                ShapeRenderer.drawCopy(g, scene, look, n, scale);
                int[] sized = PixelEffects.resize(px, drawSide, imageSide);
                byte[] bits = new byte[imageSide * imageSide];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = (byte) ((sized[i] & 0xff) >= HALF ? 1 : 0);
                }
                out.add(new Mask(imageSide, imageSide, bits));
            }
            return out;
        } finally {
            g.dispose();
        }
    }

    /** @return the masks as the attribute's text (see the class) */
    static String encode(List<Mask> masks) {
        StringBuilder s = new StringBuilder();
        for (Mask m : masks) {
            if (!s.isEmpty()) {
                s.append(';');
            }
            int[] b = m.box();
            s.append(b[0])
                    .append(',')
                    .append(b[1])
                    .append(',')
                    .append(b[2])
                    .append(',')
                    .append(b[3])
                    .append(':');
            int[] counts = m.rleCounts();
            for (int i = 0; i < counts.length; i++) {
                if (i > 0) {
                    s.append(' ');
                }
                s.append(counts[i]);
            }
        }
        return s.toString();
    }

    /**
     * @param text the attribute's text
     * @param side the image side
     * @return the masks it holds, in order
     */
    static List<Mask> decode(String text, int side) {
        List<Mask> out = new ArrayList<>();
        for (String part : text.split(";")) {
            String runs = part.substring(part.indexOf(':') + 1).trim();
            int[] counts =
                    Arrays.stream(runs.split(" ")).mapToInt(Integer::parseInt).toArray();
            out.add(Mask.fromRle(side, side, counts));
        }
        return out;
    }
}
