package dev.stoa.api.data;

import dev.stoa.api.StoaException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * A binary segmentation mask (as SAM produces), shape {@code (H, W)}, one byte a pixel (0 = background, 1 =
 * object), row-major.
 *
 * <p>Two portable forms besides the bytes: a greyscale PNG, 0 black (background) and 255 white (object), which a
 * browser shows ({@link #encodePng()}, {@link #decodePng(byte[])}); and COCO's uncompressed run-length encoding
 * ({@link #rleCounts()}, {@link #fromRle(int, int, int[])}): the pixels read in <b>column-major</b> order (down the
 * first column, then the next, as COCO and pycocotools do), as alternating run lengths that start with a run of
 * background (0 when the first pixel is set), summing to {@code W * H}.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param bits {@code width * height} bytes, each 0 or 1
 */
public record Mask(int width, int height, byte[] bits) {

    public Mask {
        if (width < 1 || height < 1) {
            throw StoaException.badInput("width/height", "are " + width + "x" + height + "; both must be positive");
        }
        if (bits == null || bits.length != (long) width * height) {
            throw StoaException.badInput(
                    "bits",
                    "must have width*height = " + ((long) width * height) + " entries, has "
                            + (bits == null ? 0 : bits.length));
        }
    }

    /** @return the number of pixels set */
    public int area() {
        int n = 0;
        for (byte b : bits) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }

    /** @return whether pixel (x, y) is set */
    public boolean get(int x, int y) {
        return bits[y * width + x] != 0;
    }

    /**
     * @return the tightest box around the set pixels, {@code [x0, y0, x1, y1]} in pixel edges (x1, y1 exclusive:
     *     the box of pixel (3, 5) alone is {@code [3, 5, 4, 6]}); {@code [0, 0, 0, 0]} when no pixel is set
     */
    public int[] box() {
        int x0 = width;
        int y0 = height;
        int x1 = 0;
        int y1 = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (bits[y * width + x] != 0) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x + 1);
                    y1 = Math.max(y1, y + 1);
                }
            }
        }
        return x1 == 0 ? new int[4] : new int[] {x0, y0, x1, y1};
    }

    /** @return COCO's uncompressed run lengths, column-major, starting with a background run (see the class) */
    public int[] rleCounts() {
        int[] runs = new int[width * height + 1];
        int n = 0;
        int run = 0;
        boolean value = false;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                boolean v = bits[y * width + x] != 0;
                if (v != value) {
                    runs[n++] = run;
                    run = 0;
                    value = v;
                }
                run++;
            }
        }
        runs[n++] = run;
        return Arrays.copyOf(runs, n);
    }

    /**
     * @param width W
     * @param height H
     * @param counts COCO's uncompressed run lengths, column-major, the first a background run (see the class)
     * @return the mask
     * @throws StoaException BAD_INPUT naming {@code rle.counts} when a count is negative or they do not sum to W*H
     */
    public static Mask fromRle(int width, int height, int[] counts) {
        if (width < 1 || height < 1) {
            throw StoaException.badInput(
                    "rle.size", "is " + height + "x" + width + "; send [height, width], both positive");
        }
        long total = (long) width * height;
        long sum = 0;
        for (int c : counts) {
            if (c < 0) {
                throw StoaException.badInput("rle.counts", "has a negative run " + c + "; runs are lengths, 0 or more");
            }
            sum += c;
        }
        if (sum != total) {
            throw StoaException.badInput(
                    "rle.counts",
                    "sum to " + sum + "; they must sum to height*width = " + total
                            + " (column-major runs, starting with background)");
        }
        byte[] bits = new byte[(int) total];
        int i = 0;
        for (int r = 0; r < counts.length; r++) {
            for (int k = 0; k < counts[r]; k++, i++) {
                if (r % 2 == 1) {
                    int x = i / height;
                    int y = i % height;
                    bits[y * width + x] = 1;
                }
            }
        }
        return new Mask(width, height, bits);
    }

    /** @return the mask as a greyscale PNG: 0 (black) background, 255 (white) object */
    public byte[] encodePng() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < bits.length; i++) {
            px[i] = bits[i] != 0 ? (byte) 255 : 0;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a mask PNG: every pixel black (0) or white (255), in grey or RGB(A); a pixel of another colour means the
     * file is an image, not a mask, and is refused rather than thresholded.
     *
     * @param png the file
     * @return the mask
     * @throws StoaException BAD_INPUT naming {@code mask} for a file that is not a PNG of only black and white
     */
    public static Mask decodePng(byte[] png) {
        Image image;
        try {
            image = Image.decode(png);
        } catch (StoaException e) {
            throw StoaException.badInput(
                    "mask",
                    "is not a readable PNG (" + e.getMessage() + "); send a PNG of"
                            + " black (background) and white (object) pixels");
        }
        byte[] rgb = image.rgb();
        byte[] bits = new byte[image.width() * image.height()];
        for (int i = 0; i < bits.length; i++) {
            int r = rgb[3 * i] & 0xff;
            int g = rgb[3 * i + 1] & 0xff;
            int b = rgb[3 * i + 2] & 0xff;
            if (r != g || g != b || (r != 0 && r != 255)) {
                throw StoaException.badInput(
                        "mask",
                        "pixel (" + (i % image.width()) + ", " + (i / image.width()) + ") is (" + r + ", " + g + ", "
                                + b + "); a mask PNG has only black (0, background) and white (255, object) pixels");
            }
            bits[i] = (byte) (r == 255 ? 1 : 0);
        }
        return new Mask(image.width(), image.height(), bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && width == m.width && height == m.height && Arrays.equals(bits, m.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits) * 31 + width * 7 + height;
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", area=" + area() + "]";
    }
}
