package dev.stoa.models.sam.internal;

import dev.stoa.api.data.Mask;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One prompt as the model reads it: points in [0, 1] of the image's width and height with their types, and maybe a
 * coarse mask.
 *
 * @param points {@code K x 2} numbers, (x, y) pairs in [0, 1]
 * @param labels K types: 0 negative point, 1 positive point, 2 box corner 1 (top left), 3 box corner 2 (bottom right)
 * @param mask a coarse mask of {@code maskSize²} values in [0, 1], row-major, or null for "no mask"
 */
record SamPrompt(float[] points, long[] labels, float[] mask) {

    static final long NEGATIVE = 0;
    static final long POSITIVE = 1;
    static final long CORNER_1 = 2;
    static final long CORNER_2 = 3;
    /** A padding slot: "not a point". */
    static final long NONE = -1;
    /**
     * The side, in pixels of the model's mask frame ({@code 4G}), of the cells a coarse mask prompt is averaged over:
     * 4, one cell per image token. Training and the services' {@code mask} field make the prompt alike.
     */
    static final int MASK_CELL = 4;

    /** @return K */
    int size() {
        return labels.length;
    }

    /** @return one positive point at (x, y), in [0, 1] */
    static SamPrompt point(float x, float y) {
        return new SamPrompt(new float[] {x, y}, new long[] {POSITIVE}, null);
    }

    /** @return a box, corners in [0, 1] */
    static SamPrompt box(float x0, float y0, float x1, float y1) {
        return new SamPrompt(new float[] {x0, y0, x1, y1}, new long[] {CORNER_1, CORNER_2}, null);
    }

    /**
     * The prompt a user clicks on an object: a point on the pixel of the mask farthest from its edge (the centre of
     * its largest inscribed disc; the first such pixel in row order), as SAM's interactive evaluation places its
     * first point.
     *
     * @param mask the object's mask, not empty
     * @return the point, at the pixel's centre, normalised
     */
    static SamPrompt centrePoint(Mask mask) {
        int[] best = MaskOps.innermost(mask);
        return point((best[0] + 0.5f) / mask.width(), (best[1] + 0.5f) / mask.height());
    }

    /** @return the mask's tight box as a prompt (pixel edges, normalised) */
    static SamPrompt tightBox(Mask mask) {
        int[] b = mask.box();
        return box(
                (float) b[0] / mask.width(),
                (float) b[1] / mask.height(),
                (float) b[2] / mask.width(),
                (float) b[3] / mask.height());
    }

    /**
     * A training prompt simulated from the scene's exact masks, as SAM's training simulates them: for a random copy,
     * a point drawn uniformly from its mask (sometimes with a negative point outside it) or its box with noise of
     * 10% of the box's side (at most 2 pixels) on each coordinate; now and then, instead, a point on the background
     * whose answer is an empty mask, so that segment-everything's grid points on nothing learn to answer nothing;
     * now and then a coarse mask prompt (the target averaged over {@code 4 x 4} cells).
     *
     * @param masks the scene's masks at the image size
     * @param maskSize the side of the model's masks, for the coarse mask prompt
     * @param rng the step's generator
     * @param target receives the target's index in {@code masks}, or -1 for the empty target
     * @return the prompt
     */
    static SamPrompt simulate(List<Mask> masks, int maskSize, SplittableRandom rng, int[] target) {
        Mask any = masks.isEmpty() ? null : masks.get(0);
        if (any == null || rng.nextDouble() < 0.1) {
            target[0] = -1;
            if (any == null) {
                return point(rng.nextFloat(), rng.nextFloat());
            }
            int w = any.width();
            int h = any.height();
            for (int t = 0; t < 50; t++) {
                int x = rng.nextInt(w);
                int y = rng.nextInt(h);
                boolean inside = false;
                for (Mask m : masks) {
                    inside |= m.get(x, y);
                }
                if (!inside) {
                    return point((x + rng.nextFloat()) / w, (y + rng.nextFloat()) / h);
                }
            }
        }
        int j = rng.nextInt(masks.size());
        target[0] = j;
        Mask m = masks.get(j);
        int w = m.width();
        int h = m.height();
        SamPrompt p;
        if (rng.nextBoolean()) {
            int[] px = MaskOps.randomPixel(m, rng, true);
            p = point((px[0] + rng.nextFloat()) / w, (px[1] + rng.nextFloat()) / h);
            if (rng.nextDouble() < 0.3) {
                int[] out = MaskOps.randomPixel(m, rng, false);
                if (out != null) {
                    p = new SamPrompt(
                            new float[] {p.points[0], p.points[1], (out[0] + 0.5f) / w, (out[1] + 0.5f) / h},
                            new long[] {POSITIVE, NEGATIVE},
                            null);
                }
            }
        } else {
            int[] b = m.box();
            float[] c = new float[4];
            for (int i = 0; i < 4; i++) {
                double side = i % 2 == 0 ? b[2] - b[0] : b[3] - b[1];
                double noise = Math.max(-2, Math.min(2, rng.nextGaussian() * 0.1 * side));
                c[i] = (float) ((b[i] + noise) / (i % 2 == 0 ? w : h));
                c[i] = Math.max(0, Math.min(1, c[i]));
            }
            p = box(c[0], c[1], c[2], c[3]);
        }
        if (rng.nextDouble() < 0.1) {
            p = new SamPrompt(p.points, p.labels, MaskOps.coarse(m, maskSize, MASK_CELL));
        }
        return p;
    }
}
