package dev.stoa.datasets.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.util.SplittableRandom;

/**
 * Textured and photo-like backgrounds, painted into a canvas before the shapes. Everything is muted (saturation at
 * most {@link #MAX_SATURATION}) and not dark (value at least about 0.45), so the shape stays the one coloured thing
 * whose colour the caption names; the clutter (twigs, pebbles, blades of grass) is made of curves and irregular
 * blobs, none of them a circle, square, triangle, star or cross.
 */
final class Backgrounds {

    /** Most saturation of any background colour: well under the shape colours' 0.55 and more. */
    static final double MAX_SATURATION = 0.28;

    private static final double TAU = 2 * Math.PI;

    private Backgrounds() {}

    /**
     * A texture: a light gradient between two muted colours, then stripes, grain or a weave across it.
     *
     * @param px the canvas, {@code side * side} pixels {@code 0xRRGGBB}
     * @param side canvas side
     * @param seed the background's seed
     */
    static void texture(int[] px, int side, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = muted(rng, 0.72, 0.98);
        double[] b = muted(rng, 0.72, 0.98);
        double angle = rng.nextDouble() * TAU;
        double gx = Math.cos(angle);
        double gy = Math.sin(angle);
        int pattern = rng.nextInt(3);
        double period = side * (0.05 + rng.nextDouble() * 0.2);
        double stripeAngle = rng.nextDouble() * Math.PI;
        double sx = Math.cos(stripeAngle) * TAU / period;
        double sy = Math.sin(stripeAngle) * TAU / period;
        double amplitude = 0.04 + rng.nextDouble() * 0.10;
        double[] grain = valueNoise(rng, side, 3 + rng.nextInt(6));
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double u = x / (double) side - 0.5;
                double v = y / (double) side - 0.5;
                double t = Math.max(0, Math.min(1, 0.5 + u * gx + v * gy));
                double m = switch (pattern) {
                    case 0 -> Math.signum(Math.sin(x * sx + y * sy)) * 0.6 + Math.sin(x * sx + y * sy) * 0.4;
                    case 1 -> 2 * grain[y * side + x] - 1 + 0.5 * (rng.nextDouble() - 0.5);
                    default -> Math.sin(x * sx + y * sy) * Math.sin(x * sy - y * sx);
                };
                double f = 1 + amplitude * m;
                px[y * side + x] = pack(
                        (a[0] + t * (b[0] - a[0])) * f, (a[1] + t * (b[1] - a[1])) * f, (a[2] + t * (b[2] - a[2])) * f);
            }
        }
    }

    /**
     * A photo-like scene: sky above a horizon and ground below in muted colours, soft blobs of light and shade (an
     * out-of-focus world), clutter drawn over it (twigs, pebbles, grass), and sensor grain.
     *
     * @param px the canvas pixels
     * @param side canvas side
     * @param g the canvas' graphics, for the clutter
     * @param seed the background's seed
     */
    static void photo(int[] px, int side, Graphics2D g, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double horizon = 0.25 + rng.nextDouble() * 0.5;
        double tilt = (rng.nextDouble() - 0.5) * 0.3;
        double[] skyTop = muted(rng, 0.75, 0.97);
        double[] skyLow = muted(rng, 0.80, 0.98);
        double[] groundNear = muted(rng, 0.45, 0.75);
        double[] groundFar = muted(rng, 0.55, 0.85);
        double[][] fields = {
            valueNoise(rng, side, 2 + rng.nextInt(3)),
            valueNoise(rng, side, 2 + rng.nextInt(3)),
            valueNoise(rng, side, 3 + rng.nextInt(4))
        };
        double shade = 0.10 + rng.nextDouble() * 0.12;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double u = x / (double) side;
                double v = y / (double) side;
                double h = horizon + tilt * (u - 0.5);
                double[] c0;
                double[] c1;
                double t;
                if (v < h) {
                    c0 = skyTop;
                    c1 = skyLow;
                    t = v / h;
                } else {
                    c0 = groundFar;
                    c1 = groundNear;
                    t = (v - h) / (1 - h);
                }
                int i = y * side + x;
                double light = 1 + shade * (2 * fields[0][i] - 1);
                double tint = shade * 0.25 * (2 * fields[1][i] - 1);
                double r = (c0[0] + t * (c1[0] - c0[0])) * light + tint;
                double gg = (c0[1] + t * (c1[1] - c0[1])) * light;
                double b = (c0[2] + t * (c1[2] - c0[2])) * light - tint * fields[2][i];
                px[i] = pack(r, gg, b);
            }
        }
        clutter(g, side, rng, horizon);
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int n = (int) Math.round((rng.nextDouble() - 0.5) * 10);
            px[i] = clamp((p >> 16 & 0xff) + n) << 16 | clamp((p >> 8 & 0xff) + n) << 8 | clamp((p & 0xff) + n);
        }
    }

    /** Twigs (bent polylines), pebbles (irregular smooth blobs) and blades of grass, muted and half transparent. */
    private static void clutter(Graphics2D g, int side, SplittableRandom rng, double horizon) {
        Object hint = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int items = 2 + rng.nextInt(5);
        for (int k = 0; k < items; k++) {
            double[] c = muted(rng, 0.35, 0.8);
            g.setColor(new Color(channel(c[0]), channel(c[1]), channel(c[2]), 110 + rng.nextInt(110)));
            int kind = rng.nextInt(3);
            double cx = rng.nextDouble() * side;
            double cy = (horizon + rng.nextDouble() * (1 - horizon)) * side;
            if (kind == 0) {
                // a twig: a random walk of a few bent segments
                Path2D.Double p = new Path2D.Double();
                p.moveTo(cx, cy);
                double heading = rng.nextDouble() * TAU;
                double step = side * (0.06 + rng.nextDouble() * 0.1);
                int segments = 3 + rng.nextInt(5);
                double x = cx;
                double y = cy;
                for (int s = 0; s < segments; s++) {
                    heading += (rng.nextDouble() - 0.5) * 1.4;
                    double nx = x + step * Math.cos(heading);
                    double ny = y + step * Math.sin(heading);
                    p.quadTo(
                            (x + nx) / 2 + (rng.nextDouble() - 0.5) * step * 0.5,
                            (y + ny) / 2 + (rng.nextDouble() - 0.5) * step * 0.5,
                            nx,
                            ny);
                    x = nx;
                    y = ny;
                }
                g.setStroke(new BasicStroke(
                        (float) (side * (0.01 + rng.nextDouble() * 0.03)),
                        BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND));
                g.draw(p);
            } else if (kind == 1) {
                // a pebble: a smooth closed curve through points at uneven distances from its centre
                double radius = side * (0.03 + rng.nextDouble() * 0.1);
                int points = 6 + rng.nextInt(5);
                double squash = 0.45 + rng.nextDouble() * 0.4;
                double turn = rng.nextDouble() * TAU;
                double[] xs = new double[points];
                double[] ys = new double[points];
                for (int s = 0; s < points; s++) {
                    double a = TAU * s / points + turn;
                    double rr = radius * (0.6 + rng.nextDouble() * 0.4);
                    xs[s] = cx + rr * Math.cos(a);
                    ys[s] = cy + rr * squash * Math.sin(a);
                }
                Path2D.Double p = new Path2D.Double();
                p.moveTo((xs[0] + xs[points - 1]) / 2, (ys[0] + ys[points - 1]) / 2);
                for (int s = 0; s < points; s++) {
                    int n = (s + 1) % points;
                    p.quadTo(xs[s], ys[s], (xs[s] + xs[n]) / 2, (ys[s] + ys[n]) / 2);
                }
                p.closePath();
                g.fill(p);
            } else {
                // grass: a few thin blades leaning the same way
                int blades = 3 + rng.nextInt(5);
                double lean = (rng.nextDouble() - 0.5) * side * 0.1;
                g.setStroke(new BasicStroke(
                        (float) Math.max(0.5, side * 0.012), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                for (int s = 0; s < blades; s++) {
                    double bx = cx + (rng.nextDouble() - 0.5) * side * 0.12;
                    double height = side * (0.05 + rng.nextDouble() * 0.12);
                    Path2D.Double p = new Path2D.Double();
                    p.moveTo(bx, cy);
                    p.quadTo(bx + lean * 0.3, cy - height * 0.6, bx + lean, cy - height);
                    g.draw(p);
                }
            }
        }
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, hint);
    }

    /** @return an RGB triple (0-1) of a random hue, saturation up to {@link #MAX_SATURATION}, value in [lo, hi] */
    private static double[] muted(SplittableRandom rng, double lo, double hi) {
        double hue = rng.nextDouble() * 360;
        double s = rng.nextDouble() * MAX_SATURATION;
        double v = lo + rng.nextDouble() * (hi - lo);
        int rgb = ColourJitter.rgb(hue, s, v);
        return new double[] {(rgb >> 16 & 0xff) / 255.0, (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0};
    }

    /** @return smooth noise in [0, 1] over the canvas: random values on a {@code cells+1} grid, smoothstep-interpolated */
    private static double[] valueNoise(SplittableRandom rng, int side, int cells) {
        double[] grid = new double[(cells + 1) * (cells + 1)];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = rng.nextDouble();
        }
        double[] out = new double[side * side];
        for (int y = 0; y < side; y++) {
            double fy = y * (double) cells / side;
            int iy = (int) fy;
            double ty = smooth(fy - iy);
            for (int x = 0; x < side; x++) {
                double fx = x * (double) cells / side;
                int ix = (int) fx;
                double tx = smooth(fx - ix);
                double top = grid[iy * (cells + 1) + ix] * (1 - tx) + grid[iy * (cells + 1) + ix + 1] * tx;
                double low = grid[(iy + 1) * (cells + 1) + ix] * (1 - tx) + grid[(iy + 1) * (cells + 1) + ix + 1] * tx;
                out[y * side + x] = top * (1 - ty) + low * ty;
            }
        }
        return out;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static int pack(double r, double g, double b) {
        return channel(r) << 16 | channel(g) << 8 | channel(b);
    }

    private static int channel(double f) {
        return clamp((int) Math.round(f * 255));
    }

    private static int clamp(int c) {
        return Math.max(0, Math.min(255, c));
    }
}
