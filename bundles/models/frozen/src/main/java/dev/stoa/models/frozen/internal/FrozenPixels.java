package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.data.Image;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * An image as Frozen reads it (the same scaling as CoCa and the fusion bundle): resized to S x S (bilinear; the shapes scenes are square), each channel scaled
 * from [0, 255] to {@code (v / 255 - 0.5) / 0.25}, channel-major: {@code (3, S, S)}.
 */
final class FrozenPixels {

    private FrozenPixels() {}

    /**
     * @param manager where the batch is created
     * @param images the images
     * @param size S
     * @return {@code (B, 3, S, S)} float32
     */
    static NDArray batch(NDManager manager, List<Image> images, int size) {
        int plane = size * size;
        float[] out = new float[images.size() * 3 * plane];
        for (int b = 0; b < images.size(); b++) {
            write(images.get(b), size, out, b * 3 * plane);
        }
        return manager.create(out, new Shape(images.size(), 3, size, size));
    }

    /** @return a white S x S image: the shapes scenes' background */
    static Image blank(int size) {
        byte[] rgb = new byte[size * size * 3];
        java.util.Arrays.fill(rgb, (byte) 255);
        return new Image(size, size, rgb);
    }

    private static void write(Image image, int size, float[] out, int offset) {
        int plane = size * size;
        if (image.width() == size && image.height() == size) {
            byte[] rgb = image.rgb();
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    out[offset + c * plane + i] = scale(rgb[3 * i + c] & 0xff);
                }
            }
            return;
        }
        BufferedImage resized = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image.toBufferedImage(), 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = resized.getRGB(x, y);
                int i = y * size + x;
                out[offset + i] = scale(rgb >> 16 & 0xff);
                out[offset + plane + i] = scale(rgb >> 8 & 0xff);
                out[offset + 2 * plane + i] = scale(rgb & 0xff);
            }
        }
    }

    private static float scale(int v) {
        return (v / 255f - 0.5f) / 0.25f;
    }
}
