package dev.stoa.models.glide.internal;

import dev.stoa.api.data.Image;

/**
 * A judge that does not learn, for one shape on a light background (the data GLIDE tiny trains on): the shape's pixels
 * are those far from white (a channel more than {@value #INK} below 255); the colour is the palette colour most of
 * them are nearest to (the shapes dataset's six), the shape comes from three descriptors of those pixels in their
 * bounding box: the fill ratio (square about 1, circle about 0.79, triangle and cross about 0.5, star about 0.4), the
 * top-to-bottom balance (an upright triangle is bottom-heavy) and how much of the bottom rows' middle is filled (a
 * cross's arm ends there, a star has a notch between its legs); the corners' fill is measured too. Written before the platform's {@code ShapeJudge} ({@link DrawnJudge#SHAPE_JUDGE}, which the trainer's evaluation
 * uses) landed; kept as a second, simpler judge to compare with; {@link #descriptors} is shown by its test.
 */
final class PixelJudge {

    static final DrawnJudge INSTANCE = PixelJudge::judge;

    /** How far below 255 one channel must be for a pixel to count as the shape's. */
    static final int INK = 70;

    static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple", "orange"};
    private static final int[] PALETTE = {0xDC1E1E, 0x1EA03C, 0x1E46DC, 0xF0D200, 0x8C28B4, 0xF57D0A};

    private PixelJudge() {}

    /** @return {@code [colour, shape]}, null where no pixel is the shape's */
    static String[] judge(Image image) {
        double[] d = descriptors(image);
        if (d == null) {
            return new String[] {null, null};
        }
        return new String[] {COLOURS[(int) d[0]], shape(d[1], d[2], d[4])};
    }

    static String shape(double fill, double balance, double bottomCentre) {
        if (fill > 0.86) {
            return "square";
        }
        if (fill > 0.66) {
            return "circle";
        }
        if (balance < 0.62) {
            return "triangle";
        }
        // a cross's lower arm reaches the bottom of its box in the middle; a star has a notch there between its legs
        return bottomCentre > 0.5 ? "cross" : "star";
    }

    /**
     * @return {@code [colour index, fill, top/bottom balance, corner fill, bottom-centre fill]}, or null for an image
     *     with no ink
     */
    static double[] descriptors(Image image) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        boolean[] ink = new boolean[w * h];
        int[] votes = new int[PALETTE.length];
        int minX = w;
        int minY = h;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r = rgb[3 * i] & 0xff;
                int g = rgb[3 * i + 1] & 0xff;
                int b = rgb[3 * i + 2] & 0xff;
                if (255 - Math.min(r, Math.min(g, b)) <= INK) {
                    continue;
                }
                ink[i] = true;
                votes[nearest(r, g, b)]++;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        if (maxX < 0) {
            return null;
        }
        int colour = 0;
        for (int c = 1; c < votes.length; c++) {
            if (votes[c] > votes[colour]) {
                colour = c;
            }
        }
        int bw = maxX - minX + 1;
        int bh = maxY - minY + 1;
        int count = 0;
        int top = 0;
        int bottom = 0;
        int corner = 0;
        int cornerArea = 0;
        int bottomCentre = 0;
        int bottomCentreArea = 0;
        int cw = Math.max(1, bw / 4);
        int ch = Math.max(1, bh / 4);
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                boolean inCorner = (x - minX < cw || maxX - x < cw) && (y - minY < ch || maxY - y < ch);
                if (inCorner) {
                    cornerArea++;
                }
                boolean inBottomCentre =
                        maxY - y < Math.max(1, bh / 8) && Math.abs(2 * (x - minX) - (bw - 1)) <= bw / 8;
                if (inBottomCentre) {
                    bottomCentreArea++;
                    bottomCentre += ink[y * w + x] ? 1 : 0;
                }
                if (!ink[y * w + x]) {
                    continue;
                }
                count++;
                if (2 * (y - minY) < bh - 1) {
                    top++;
                } else if (2 * (y - minY) > bh - 1) {
                    bottom++;
                }
                if (inCorner) {
                    corner++;
                }
            }
        }
        return new double[] {
            colour,
            count / (double) (bw * bh),
            top / (double) Math.max(1, bottom),
            corner / (double) Math.max(1, cornerArea),
            bottomCentre / (double) Math.max(1, bottomCentreArea)
        };
    }

    private static int nearest(int r, int g, int b) {
        int best = 0;
        long bestD = Long.MAX_VALUE;
        for (int c = 0; c < PALETTE.length; c++) {
            int pr = PALETTE[c] >> 16 & 0xff;
            int pg = PALETTE[c] >> 8 & 0xff;
            int pb = PALETTE[c] & 0xff;
            long d = (long) (r - pr) * (r - pr) + (long) (g - pg) * (g - pg) + (long) (b - pb) * (b - pb);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }
}
