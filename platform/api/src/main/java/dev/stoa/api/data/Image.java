package dev.stoa.api.data;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.LongAdder;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An 8-bit RGB image, shape {@code (H, W, 3)}, row-major, channels interleaved.
 *
 * <p>Decoding ({@link #decode(byte[], long)}) reads the header first, before any pixel memory is allocated: an image
 * over {@link #MAX_PIXELS} is refused ({@link FailureCode#TOO_LARGE}), and one over the caller's pixel budget (a
 * service's {@code stoa.image.maxPixels}, by default {@link #DEFAULT_MAX_PIXELS}) is decoded subsampled, every
 * n-th pixel of every n-th row with the smallest n that fits the budget, so memory stays in proportion to the budget
 * whatever the file's header says: an 8192x8192 PNG of 11 KB decodes to 2048x2048 (12 MB), not to 201 MB.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb {@code width * height * 3} bytes, R, G, B for each pixel
 */
public record Image(int width, int height, byte[] rgb) {

    /**
     * The most pixels an image header may announce: 8192 x 8192; larger files fail with {@link FailureCode#TOO_LARGE}
     * before anything is decoded (decoding reads every row of the file even when it keeps few of them).
     */
    public static final long MAX_PIXELS = 8192L * 8192L;

    /**
     * The pixel budget of {@link #decode(byte[])}: 2048 x 2048 (12 MB of RGB); larger images are decoded subsampled
     * to fit. Every shipped model works on smaller images (CLIP 32-64 px, PaddleOCR's detector 960 px on its longer
     * side); a service that needs more declares {@code stoa.image.maxPixels}.
     */
    public static final long DEFAULT_MAX_PIXELS = 2048L * 2048L;

    /** Files decoded in this JVM: decoding is the costly step a pipeline must do once per request, not per stage. */
    private static final LongAdder DECODES = new LongAdder();

    public Image {
        if (width < 1 || height < 1) {
            throw StoaException.badInput("width/height", "are " + width + "x" + height + "; both must be positive");
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new StoaException(
                    FailureCode.TOO_LARGE,
                    "image is " + width + "x" + height + " = " + ((long) width * height) + " pixels; at most "
                            + MAX_PIXELS + " are accepted: resize it first");
        }
        if (rgb == null || rgb.length != width * height * 3) {
            throw StoaException.badInput(
                    "rgb",
                    "must have width*height*3 = " + (width * height * 3) + " bytes, has "
                            + (rgb == null ? 0 : rgb.length));
        }
    }

    /**
     * Decodes a PNG, JPEG, BMP or GIF within the default pixel budget, {@link #DEFAULT_MAX_PIXELS}.
     *
     * @param encoded the file's bytes
     * @return the image as RGB, subsampled when it has more pixels than the budget
     * @throws StoaException {@link FailureCode#BAD_INPUT} for an empty, unknown or corrupt file,
     *         {@link FailureCode#TOO_LARGE} for one over {@link #MAX_PIXELS}
     */
    public static Image decode(byte[] encoded) {
        return decode(encoded, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes a PNG, JPEG, BMP or GIF within a pixel budget: the header is read first, and an image of more pixels
     * than {@code maxPixels} is decoded with source subsampling ({@link ImageReadParam#setSourceSubsampling}) by the
     * smallest step {@code n} for which {@code ceil(w/n) * ceil(h/n) <= maxPixels}, so no array larger than the
     * budget is allocated.
     *
     * @param encoded the file's bytes
     * @param maxPixels the most pixels the result may have, at least 1
     * @return the image as RGB
     * @throws StoaException {@link FailureCode#BAD_INPUT} for an empty, unknown or corrupt file,
     *         {@link FailureCode#TOO_LARGE} for one whose header announces more than {@link #MAX_PIXELS}
     */
    public static Image decode(byte[] encoded, long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
        }
        if (encoded == null || encoded.length == 0) {
            throw StoaException.badInput("image", "is empty; send the bytes of a PNG or JPEG file");
        }
        DECODES.increment();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw StoaException.badInput(
                        "image",
                        "is not a PNG, JPEG, BMP or GIF file (" + encoded.length + " bytes, starting "
                                + hexPrefix(encoded) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw StoaException.badInput("image", "header says " + w + "x" + h + "; send an intact file");
                }
                if ((long) w * h > MAX_PIXELS) {
                    throw new StoaException(
                            FailureCode.TOO_LARGE,
                            "'image': header says " + w + "x" + h + " = " + ((long) w * h) + " pixels; at most "
                                    + MAX_PIXELS + " (8192x8192) are accepted: resize it first");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(w, h, maxPixels);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                return fromBufferedImage(reader.read(0, param));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof StoaException se) {
                throw se;
            }
            throw new StoaException(
                    FailureCode.BAD_INPUT,
                    "'image' could not be decoded (" + e.getMessage() + "); send an intact PNG or JPEG file",
                    e);
        }
    }

    /**
     * @param width the image's width
     * @param height its height
     * @param maxPixels the budget
     * @return the smallest step {@code n >= 1} with {@code ceil(width/n) * ceil(height/n) <= maxPixels}
     */
    public static int subsampling(int width, int height, long maxPixels) {
        int step = Math.max(1, (int) Math.floor(Math.sqrt((double) width * height / maxPixels)));
        while (ceilDiv(width, step) * ceilDiv(height, step) > maxPixels) {
            step++;
        }
        return step;
    }

    private static long ceilDiv(int a, int b) {
        return (a + (long) b - 1) / b;
    }

    /**
     * @return how many times {@link #decode} was called in this JVM since it started: tests and metrics use it to
     *     see that an image travels decoded (a pipeline decodes its request's image once, whatever its stages)
     */
    public static long decodeCount() {
        return DECODES.sum();
    }

    /**
     * Copies a Java2D image into RGB bytes.
     *
     * @param img any {@link BufferedImage}; alpha is dropped
     * @return the image
     */
    public static Image fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h > MAX_PIXELS) {
            throw new StoaException(
                    FailureCode.TOO_LARGE,
                    "image is " + w + "x" + h + "; at most " + MAX_PIXELS + " pixels are accepted: resize it first");
        }
        // row by row: a whole-image int[] of ARGB would cost 4 more bytes a pixel for a moment
        int[] row = new int[w];
        byte[] rgb = new byte[w * h * 3];
        int j = 0;
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int p : row) {
                rgb[j++] = (byte) (p >> 16);
                rgb[j++] = (byte) (p >> 8);
                rgb[j++] = (byte) p;
            }
        }
        return new Image(w, h, rgb);
    }

    /** @return a copy as a {@link BufferedImage#TYPE_INT_RGB} image */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[width * height];
        for (int i = 0, j = 0; i < px.length; i++) {
            px[i] = (rgb[j++] & 0xff) << 16 | (rgb[j++] & 0xff) << 8 | (rgb[j++] & 0xff);
        }
        img.setRGB(0, 0, width, height, px, 0, width);
        return img;
    }

    /** @return the image encoded as PNG */
    public byte[] encodePng() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(toBufferedImage(), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) {
            s.append(String.format("%02x", b[i]));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image i && width == i.width && height == i.height && Arrays.equals(rgb, i.rgb);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rgb) * 31 + width * 7 + height;
    }

    @Override
    public String toString() {
        return "Image[" + width + "x" + height + "]";
    }
}
