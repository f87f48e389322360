package dev.stoa.ocr.tesseract.internal;

import dev.stoa.api.data.Image;

/**
 * Scales an RGB image down by averaging each output pixel's source area (a box filter), which keeps thin strokes of
 * text that point sampling would drop.
 */
final class ImageScaler {

    private ImageScaler() {}

    /**
     * @param image the image
     * @param scale the factor, in (0, 1]
     * @return the image scaled to {@code ceil(width * scale) x ceil(height * scale)}
     */
    static Image scale(Image image, double scale) {
        int w = Math.max(1, (int) Math.ceil(image.width() * scale));
        int h = Math.max(1, (int) Math.ceil(image.height() * scale));
        byte[] src = image.rgb();
        byte[] out = new byte[w * h * 3];
        for (int oy = 0; oy < h; oy++) {
            int y0 = (int) ((long) oy * image.height() / h);
            int y1 = Math.max(y0 + 1, (int) ((long) (oy + 1) * image.height() / h));
            for (int ox = 0; ox < w; ox++) {
                int x0 = (int) ((long) ox * image.width() / w);
                int x1 = Math.max(x0 + 1, (int) ((long) (ox + 1) * image.width() / w));
                long r = 0;
                long g = 0;
                long b = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int i = (y * image.width() + x) * 3;
                        r += src[i] & 0xff;
                        g += src[i + 1] & 0xff;
                        b += src[i + 2] & 0xff;
                    }
                }
                long n = (long) (y1 - y0) * (x1 - x0);
                int o = (oy * w + ox) * 3;
                out[o] = (byte) (r / n);
                out[o + 1] = (byte) (g / n);
                out[o + 2] = (byte) (b / n);
            }
        }
        return new Image(w, h, out);
    }
}
