package dev.stoa.datasets.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * What happens to a picture after it is drawn, as a camera, a resize and a file format do it: Gaussian blur, resizing
 * to the model's input, pixel noise and a JPEG round trip. Pixels are {@code 0xRRGGBB} ints in rows; every step is
 * plain Java arithmetic or the JDK's own JPEG codec, so a given input gives the same output on every run.
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

    /**
     * Encodes the image as a JPEG (the JDK's codec: baseline, 4:2:0 chroma) and decodes it back, in memory.
     *
     * @param px pixels
     * @param side image side
     * @param quality 1-100
     * @return the decoded pixels: blocking, ringing and washed colour edges included
     */
    static int[] jpeg(int[] px, int side, int quality) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        System.arraycopy(px, 0, ((DataBufferInt) img.getRaster().getDataBuffer()).getData(), 0, px.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(side * side);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG round trip of a rendered image failed", e);
        } finally {
            writer.dispose();
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader reader = readers.next();
        try (MemoryCacheImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            reader.setInput(in, true, true);
            BufferedImage back = reader.read(0);
            int[] out = new int[side * side];
            back.getRGB(0, 0, side, side, out, 0, side);
            for (int i = 0; i < out.length; i++) {
                out[i] &= 0xFFFFFF;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG round trip of a rendered image failed", e);
        } finally {
            reader.dispose();
        }
    }

    private static int pack(double r, double g, double b) {
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(double c) {
        return (int) Math.max(0, Math.min(255, Math.round(c)));
    }
}
