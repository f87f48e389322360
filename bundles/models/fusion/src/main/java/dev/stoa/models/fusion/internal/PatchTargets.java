package dev.stoa.models.fusion.internal;

import dev.stoa.nn.image.ImagePixels;
import java.util.SplittableRandom;

/**
 * ViLBERT's masked regions on the shapes scenes. The paper masks 15% of the detector's regions (their features zeroed
 * 90% of the time, kept 10%) and predicts, for each masked region, the distribution over semantic classes the
 * detector gave it (a KL divergence). There is no detector here; what the pixels say honestly is which of the scene's
 * colours a patch is made of, so a patch's target is the distribution of its pixels over {@link #CLASSES} classes:
 * the white background, the dataset's six shape colours and the dark ink of the scene's word (when it draws one),
 * each pixel counted for its nearest colour. Masking happens in the pixels, before the convolutional stem: a masked
 * patch's pixels are set to 0 (the scaling's centre, a mid grey that no scene contains) 90% of the time and kept 10%
 * of the time; its features then carry nothing of it (the 3x3 stem reads only masked pixels inside it), whereas
 * masking the patch's feature after the stem would let its 2 border pixels leak in through its neighbours'
 * convolutions.
 */
final class PatchTargets {

    /** Background, red, green, blue, yellow, purple, orange, ink. */
    static final int CLASSES = 8;

    /** The colours of the classes, those of the shapes dataset's renderer. */
    private static final int[] PALETTE = {0xFFFFFF, 0xDC1E1E, 0x1EA03C, 0x1E46DC, 0xF0D200, 0x8C28B4, 0xF57D0A, 0x141414
    };

    /** The share of masked patches whose pixels are kept (the paper's 10%). */
    static final double KEEP = 0.1;

    private PatchTargets() {}

    /** @return the class of the colour nearest to an RGB colour (0-255 each) */
    static int nearest(float r, float g, float b) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int c = 0; c < CLASSES; c++) {
            double dr = r - (PALETTE[c] >> 16 & 0xff);
            double dg = g - (PALETTE[c] >> 8 & 0xff);
            double db = b - (PALETTE[c] & 0xff);
            double d = dr * dr + dg * dg + db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    /**
     * @param pixels a batch as {@link ImagePixels#pixels} gives it, {@code (B, 3, S, S)}
     * @param b the image
     * @param size S
     * @param patch p
     * @param n the patch, row-major as {@link dev.stoa.nn.embed.PatchEmbedding} orders them
     * @return the distribution of the patch's pixels over the classes
     */
    static float[] distribution(float[] pixels, int b, int size, int patch, int n) {
        int plane = size * size;
        int across = size / patch;
        int top = patch * (n / across);
        int left = patch * (n % across);
        float[] out = new float[CLASSES];
        for (int y = top; y < top + patch; y++) {
            for (int x = left; x < left + patch; x++) {
                int i = b * 3 * plane + y * size + x;
                out[
                                nearest(
                                        ImagePixels.unscale(pixels[i]),
                                        ImagePixels.unscale(pixels[i + plane]),
                                        ImagePixels.unscale(pixels[i + 2 * plane]))] +=
                        1f / (patch * patch);
            }
        }
        return out;
    }

    /**
     * Masks patches of the chosen images in place and returns their targets.
     *
     * @param pixels a batch, {@code (B, 3, S, S)}, changed in place
     * @param rows which images to mask (the masked-modelling pairs)
     * @param size S
     * @param patch p
     * @param probability the chance that a patch is masked
     * @param random the draws
     * @return {@code (B, N, C)} row-major: the class distribution of each masked patch, zeros elsewhere (the loss
     *     reads a zero row as "not masked")
     */
    static float[] mask(
            float[] pixels, boolean[] rows, int size, int patch, double probability, SplittableRandom random) {
        int across = size / patch;
        int n = across * across;
        float[] targets = new float[rows.length * n * CLASSES];
        for (int b = 0; b < rows.length; b++) {
            if (!rows[b]) {
                continue;
            }
            for (int k = 0; k < n; k++) {
                if (random.nextDouble() >= probability) {
                    continue;
                }
                System.arraycopy(distribution(pixels, b, size, patch, k), 0, targets, (b * n + k) * CLASSES, CLASSES);
                if (random.nextDouble() < KEEP) {
                    continue;
                }
                zero(pixels, b, size, patch, k);
            }
        }
        return targets;
    }

    /** Sets the pixels of patch n of image b to 0, in place. */
    static void zero(float[] pixels, int b, int size, int patch, int n) {
        int plane = size * size;
        int across = size / patch;
        int top = patch * (n / across);
        int left = patch * (n % across);
        for (int c = 0; c < 3; c++) {
            for (int y = top; y < top + patch; y++) {
                int from = b * 3 * plane + c * plane + y * size + left;
                java.util.Arrays.fill(pixels, from, from + patch, 0f);
            }
        }
    }
}
