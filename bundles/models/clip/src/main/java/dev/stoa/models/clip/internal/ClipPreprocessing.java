package dev.stoa.models.clip.internal;

import dev.stoa.api.data.Image;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * CLIP's image preprocessing (OpenAI's {@code _transform(n_px)}): resize so the shorter side is S (bicubic), crop the
 * central S x S, scale to [0, 1], and normalise each channel with CLIP's mean and standard deviation. Any size or
 * aspect ratio is accepted; {@link Image} is always RGB, so greyscale or RGBA files arrive with three channels.
 * {@code Image (H, W, 3) -> float[3 · S · S]}, channel-major (C, H, W).
 */
final class ClipPreprocessing {

    /** Per-channel mean of CLIP's training images (OpenAI CLIP, {@code clip.py} {@code Normalize}). */
    static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** Per-channel standard deviation, from the same place. */
    static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final int size;

    /** @param size S, the side of the square the model takes */
    ClipPreprocessing(int size) {
        this.size = size;
    }

    /** @return S */
    int size() {
        return size;
    }

    /**
     * @param image any image
     * @return {@code (3, S, S)} row-major, normalised
     */
    float[] toChw(Image image) {
        BufferedImage square = centerCrop(resizeShorterSide(image.toBufferedImage()));
        float[] out = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = square.getRGB(x, y);
                int i = y * size + x;
                out[i] = ((rgb >> 16 & 0xff) / 255f - MEAN[0]) / STD[0];
                out[plane + i] = ((rgb >> 8 & 0xff) / 255f - MEAN[1]) / STD[1];
                out[2 * plane + i] = ((rgb & 0xff) / 255f - MEAN[2]) / STD[2];
            }
        }
        return out;
    }

    private BufferedImage resizeShorterSide(BufferedImage in) {
        int w = in.getWidth();
        int h = in.getHeight();
        // torchvision's Resize(int): the shorter side becomes S, the longer keeps the aspect ratio (truncated)
        int newW = w <= h ? size : (int) ((long) size * w / h);
        int newH = w <= h ? (int) ((long) size * h / w) : size;
        if (newW == w && newH == h) {
            return in;
        }
        BufferedImage out = new BufferedImage(newW, newH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(in, 0, 0, newW, newH, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private BufferedImage centerCrop(BufferedImage in) {
        // torchvision's CenterCrop: offsets round((W - S) / 2), round((H - S) / 2)
        int left = (int) Math.round((in.getWidth() - size) / 2.0);
        int top = (int) Math.round((in.getHeight() - size) / 2.0);
        return in.getSubimage(left, top, size, size);
    }
}
