package dev.stoa.datasets.internal;

/**
 * Moves a shape colour's hue, saturation and value inside the colour's name. Each colour has its own room, chosen
 * by hand so that every colour it can give is still called by that name and is nearer its own hue than any other
 * colour's: the named hues are red 0, orange 29, yellow 52, green 134, blue 227 and purple 283 degrees, and the rooms
 * stay at least 5 degrees inside the half-way hues between neighbours (blue is kept away from cyan, where users'
 * images had blue taken for green; yellow and orange keep their value high, or they turn olive and brown).
 */
final class ColourJitter {

    /**
     * Per colour, in {@link ShapeColour} order (red, green, blue, yellow, purple, orange): hue down, hue up (degrees), and the lowest value (HSV) allowed.
     * Saturation moves from -0.25 to +0.10 and value from -0.25 to +0.12 at full jitter, within [0.55, 1] and
     * [lowest value, 1].
     */
    private static final double[][] ROOM = {
        {-12, 7, 0.72}, // red: 348-7, away from pink and orange; not so dark it turns maroon
        {-20, 12, 0.45}, // green: 114-146
        {-12, 10, 0.55}, // blue: 215-237, away from cyan
        {-4, 5, 0.88}, // yellow: 48-57, bright, else gold and olive
        {-10, 10, 0.45}, // purple: 273-293
        {-7, 6, 0.80}, // orange: 22-35
    };

    private static final double SATURATION_DOWN = -0.25;
    private static final double SATURATION_UP = 0.10;
    private static final double SATURATION_MIN = 0.55;
    private static final double VALUE_DOWN = -0.25;
    private static final double VALUE_UP = 0.12;

    private ColourJitter() {}

    /**
     * @param colour the named colour
     * @param amount 0 to 1, how much of the room to use
     * @param u three numbers in [0, 1): where in the room hue, saturation and value land
     * @return {@code 0xRRGGBB}; the colour's own rgb when amount is 0
     */
    static int jitter(ShapeColour colour, double amount, double u0, double u1, double u2) {
        if (amount == 0) {
            return colour.rgb();
        }
        double[] hsv = hsv(colour.rgb());
        double[] room = ROOM[colour.ordinal()];
        double hue = hsv[0] + amount * (room[0] + u0 * (room[1] - room[0]));
        double s = hsv[1] + amount * (SATURATION_DOWN + u1 * (SATURATION_UP - SATURATION_DOWN));
        double v = hsv[2] + amount * (VALUE_DOWN + u2 * (VALUE_UP - VALUE_DOWN));
        s = Math.max(Math.min(SATURATION_MIN, hsv[1]), Math.min(1, s));
        v = Math.max(Math.min(room[2], hsv[2]), Math.min(1, v));
        return rgb(((hue % 360) + 360) % 360, s, v);
    }

    /** @return {hue in degrees [0, 360), saturation, value} of {@code 0xRRGGBB} */
    static double[] hsv(int rgb) {
        double r = (rgb >> 16 & 0xff) / 255.0;
        double g = (rgb >> 8 & 0xff) / 255.0;
        double b = (rgb & 0xff) / 255.0;
        double max = Math.max(r, Math.max(g, b));
        double min = Math.min(r, Math.min(g, b));
        double d = max - min;
        double h;
        if (d == 0) {
            h = 0;
        } else if (max == r) {
            h = 60 * (((g - b) / d) % 6);
        } else if (max == g) {
            h = 60 * ((b - r) / d + 2);
        } else {
            h = 60 * ((r - g) / d + 4);
        }
        if (h < 0) {
            h += 360;
        }
        return new double[] {h, max == 0 ? 0 : d / max, max};
    }

    /** @return {@code 0xRRGGBB} of hue (degrees), saturation and value */
    static int rgb(double hue, double s, double v) {
        double c = v * s;
        double hp = hue / 60;
        double x = c * (1 - Math.abs(hp % 2 - 1));
        double r;
        double g;
        double b;
        switch ((int) hp) {
            case 0 -> {
                r = c;
                g = x;
                b = 0;
            }
            case 1 -> {
                r = x;
                g = c;
                b = 0;
            }
            case 2 -> {
                r = 0;
                g = c;
                b = x;
            }
            case 3 -> {
                r = 0;
                g = x;
                b = c;
            }
            case 4 -> {
                r = x;
                g = 0;
                b = c;
            }
            default -> {
                r = c;
                g = 0;
                b = x;
            }
        }
        double m = v - c;
        return channel(r + m) << 16 | channel(g + m) << 8 | channel(b + m);
    }

    private static int channel(double f) {
        return (int) Math.max(0, Math.min(255, Math.round(f * 255)));
    }
}
