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
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An 8-bit RGB image, shape {@code (H, W, 3)}, row-major, channels interleaved.
 *
 * <p>Decoding ({@link #decode(byte[])}) reads the header first and refuses images over {@link #MAX_PIXELS}
 * before any pixel memory is allocated, so a 20000x20000 PNG header costs nothing.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb {@code width * height * 3} bytes, R, G, B for each pixel
 */
public record Image(int width, int height, byte[] rgb) {

    /** The most pixels accepted: 8192 x 8192 (201 MB of RGB); larger inputs fail with {@link FailureCode#TOO_LARGE}. */
    public static final long MAX_PIXELS = 8192L * 8192L;

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
     * Decodes a PNG, JPEG, BMP or GIF.
     *
     * @param encoded the file's bytes
     * @return the image as RGB
     * @throws StoaException {@link FailureCode#BAD_INPUT} for an empty, unknown or corrupt file,
     *         {@link FailureCode#TOO_LARGE} for one over {@link #MAX_PIXELS}
     */
    public static Image decode(byte[] encoded) {
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
                if ((long) w * h > MAX_PIXELS) {
                    throw new StoaException(
                            FailureCode.TOO_LARGE,
                            "image header says " + w + "x" + h + " = " + ((long) w * h) + " pixels; at most "
                                    + MAX_PIXELS + " are accepted: resize it first");
                }
                return fromBufferedImage(reader.read(0));
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
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0, j = 0; i < argb.length; i++) {
            int p = argb[i];
            rgb[j++] = (byte) (p >> 16);
            rgb[j++] = (byte) (p >> 8);
            rgb[j++] = (byte) p;
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
