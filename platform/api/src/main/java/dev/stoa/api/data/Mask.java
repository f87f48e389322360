package dev.stoa.api.data;

import dev.stoa.api.StoaException;
import java.util.Arrays;

/**
 * A binary segmentation mask (as SAM produces), shape {@code (H, W)}, one byte a pixel (0 = background, 1 =
 * object), row-major.
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
