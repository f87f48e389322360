package dev.stoa.datasets.internal;

import java.util.SplittableRandom;

/**
 * What happens to a picture after it is drawn, as a camera and a resize do it: Gaussian blur, resizing to the model's
 * input and pixel noise (the JPEG round trip is {@link JpegRoundTrip}). Pixels are {@code 0xRRGGBB} ints in rows;
 * every step is plain Java arithmetic, so a given input gives the same output on every run and machine.
 */
final class PixelEffects {

    private PixelEffects() {}

    /**
     * Gaussian blur, separable, edges clamped.
     *
     * @param px pixels, changed in place
     * @param side image side
     * @param radius blur radius in pixels: sigma is half of it, the kernel reaches {@code ceil(radius)}
     */
    static void blur(int[] px, int side, double radius) {
        int reach = (int) Math.ceil(radius);
        double sigma = radius / 2;
        double[] kernel = new double[2 * reach + 1];
        double sum = 0;
        for (int k = -reach; k <= reach; k++) {
            kernel[k + reach] = Math.exp(-k * k / (2 * sigma * sigma));
            sum += kernel[k + reach];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        int[] tmp = new int[px.length];
        pass(px, tmp, side, kernel, reach, true);
        pass(tmp, px, side, kernel, reach, false);
    }

    private static void pass(int[] in, int[] out, int side, double[] kernel, int reach, boolean horizontal) {
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double r = 0;
                double g = 0;
                double b = 0;
                for (int k = -reach; k <= reach; k++) {
                    int xx = horizontal ? Math.max(0, Math.min(side - 1, x + k)) : x;
                    int yy = horizontal ? y : Math.max(0, Math.min(side - 1, y + k));
                    int p = in[yy * side + xx];
                    double w = kernel[k + reach];
                    r += w * (p >> 16 & 0xff);
                    g += w * (p >> 8 & 0xff);
                    b += w * (p & 0xff);
                }
                out[y * side + x] = pack(r, g, b);
            }
        }
    }

    /**
     * Resizes a square image: area averaging when it shrinks (each output pixel the mean of the input area it
     * covers, as a good downscaler does), bilinear when it grows (the soft edges of an upscaled small picture).
     *
     * @param px input pixels
     * @param from input side
     * @param to output side
     * @return output pixels
     */
    static int[] resize(int[] px, int from, int to) {
        if (from == to) {
            return px;
        }
        double[][] weights = new double[to][];
        int[] starts = new int[to];
        weights(from, to, weights, starts);
        // rows first: (from x from) -> (from rows x to columns), then columns
        double[] mid = new double[from * to * 3];
        for (int y = 0; y < from; y++) {
            for (int o = 0; o < to; o++) {
                double r = 0;
                double g = 0;
                double b = 0;
                double[] w = weights[o];
                for (int k = 0; k < w.length; k++) {
                    int p = px[y * from + starts[o] + k];
                    r += w[k] * (p >> 16 & 0xff);
                    g += w[k] * (p >> 8 & 0xff);
                    b += w[k] * (p & 0xff);
                }
                int m = (y * to + o) * 3;
                mid[m] = r;
                mid[m + 1] = g;
                mid[m + 2] = b;
            }
        }
        int[] out = new int[to * to];
        for (int o = 0; o < to; o++) {
            double[] w = weights[o];
            for (int x = 0; x < to; x++) {
                double r = 0;
                double g = 0;
                double b = 0;
                for (int k = 0; k < w.length; k++) {
                    int m = ((starts[o] + k) * to + x) * 3;
                    r += w[k] * mid[m];
                    g += w[k] * mid[m + 1];
                    b += w[k] * mid[m + 2];
                }
                out[o * to + x] = pack(r, g, b);
            }
        }
        return out;
    }

    /** Per output index: the first input index it reads and the weights of the inputs from there (summing to 1). */
    private static void weights(int from, int to, double[][] weights, int[] starts) {
        double scale = (double) from / to;
        for (int o = 0; o < to; o++) {
            if (to < from) {
                double lo = o * scale;
                double hi = (o + 1) * scale;
                int first = (int) Math.floor(lo);
                int last = Math.min(from - 1, (int) Math.ceil(hi) - 1);
                double[] w = new double[last - first + 1];
                for (int i = first; i <= last; i++) {
                    w[i - first] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
                }
                weights[o] = w;
                starts[o] = first;
            } else {
                double src = Math.max(0, Math.min(from - 1, (o + 0.5) * scale - 0.5));
                int first = Math.min(from - 2, (int) Math.floor(src));
                double t = src - first;
                weights[o] = new double[] {1 - t, t};
                starts[o] = first;
            }
        }
    }

    /**
     * Adds Gaussian noise to every channel of every pixel.
     *
     * @param px pixels, changed in place
     * @param sigma standard deviation in 0-255 levels
     * @param seed the noise's seed
     */
    static void noise(int[] px, double sigma, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            px[i] = pack(
                    (p >> 16 & 0xff) + sigma * rng.nextGaussian(),
                    (p >> 8 & 0xff) + sigma * rng.nextGaussian(),
                    (p & 0xff) + sigma * rng.nextGaussian());
        }
    }

    private static int pack(double r, double g, double b) {
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(double c) {
        return (int) Math.max(0, Math.min(255, Math.round(c)));
    }
}
