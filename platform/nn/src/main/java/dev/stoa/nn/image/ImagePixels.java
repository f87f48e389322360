package dev.stoa.nn.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.data.Image;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An image as the models trained from scratch here read it: resized to {@code S x S} (bilinear; the shapes scenes
 * are square, other images are stretched), each channel scaled from [0, 255] to {@code (v / 255 - 0.5) / 0.25}
 * (white is 2, black -2), channel-major: {@code (3, S, S)}.
 *
 * <p>Image size limits are not checked here: a service decodes a request's image with the platform's limits first.
 */
public final class ImagePixels {

    private ImagePixels() {}

    /**
     * @param manager where the batch is created
     * @param images the images
     * @param size S
     * @return {@code (B, 3, S, S)} float32
     */
    public static NDArray batch(NDManager manager, List<Image> images, int size) {
        return manager.create(pixels(images, size), new Shape(images.size(), 3, size, size));
    }

    /**
     * @param images the images
     * @param size S
     * @return the pixels of {@link #batch}, {@code (B, 3, S, S)} row-major
     */
    public static float[] pixels(List<Image> images, int size) {
        int plane = size * size;
        float[] out = new float[images.size() * 3 * plane];
        for (int b = 0; b < images.size(); b++) {
            write(images.get(b), size, out, b * 3 * plane);
        }
        return out;
    }

    /**
     * Writes one image's {@code 3 * S * S} values, channel-major, into {@code out} from {@code offset}: for batches
     * laid out otherwise (MERLOT's clips of frames).
     *
     * @param image the image
     * @param size S
     * @param out where the values go
     * @param offset the index of the first value
     */
    public static void write(Image image, int size, float[] out, int offset) {
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

    /**
     * @param v a channel value, 0 to 255
     * @return the value the model reads
     */
    public static float scale(int v) {
        return (v / 255f - 0.5f) / 0.25f;
    }

    /**
     * @param v a value the model reads
     * @return the 0-255 channel value it came from, the inverse of {@link #scale}
     */
    public static float unscale(float v) {
        return (v * 0.25f + 0.5f) * 255f;
    }

    /**
     * @param size S
     * @return a white S x S image: the blank image of the ablations, the shapes scenes' background
     */
    public static Image blank(int size) {
        byte[] rgb = new byte[size * size * 3];
        Arrays.fill(rgb, (byte) 255);
        return new Image(size, size, rgb);
    }

    /**
     * The way back for generators that work in [-1, 1] (the diffusion models): {@code (B, 3, H, W)} clamped to [-1, 1]
     * and mapped to 0-255 as {@code (x + 1) 127.5}, rounded.
     *
     * @param x {@code (B, 3, H, W)}
     * @return B images
     */
    public static List<Image> fromSigned(NDArray x) {
        Shape s = x.getShape();
        int b = (int) s.get(0);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] v = x.clip(-1f, 1f).add(1f).mul(127.5f).toFloatArray();
        List<Image> out = new ArrayList<>(b);
        int plane = h * w;
        for (int i = 0; i < b; i++) {
            byte[] rgb = new byte[3 * plane];
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    rgb[3 * p + c] = (byte) Math.round(v[(i * 3 + c) * plane + p]);
                }
            }
            out.add(new Image(w, h, rgb));
        }
        return out;
    }

    /**
     * Drawn images as a generator's service answers them: each scaled to {@code size x size} by nearest neighbour
     * where it differs (so the pixels the model drew stay visible as they are), as {@code [{"image": "<base64 PNG>"}]}.
     *
     * @param drawn the images
     * @param size the side asked for
     * @return one {@code {"image": ...}} per image, in order
     */
    public static List<Map<String, Object>> pngs(List<Image> drawn, int size) {
        List<Map<String, Object>> images = new ArrayList<>(drawn.size());
        for (Image image : drawn) {
            Image shown = size == image.width() && size == image.height() ? image : nearest(image, size);
            images.add(Map.of("image", Base64.getEncoder().encodeToString(shown.encodePng())));
        }
        return images;
    }

    /**
     * @param image any image
     * @param size S
     * @return it scaled to S x S by nearest neighbour
     */
    public static Image nearest(Image image, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image.toBufferedImage(), 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        return Image.fromBufferedImage(out);
    }
}
