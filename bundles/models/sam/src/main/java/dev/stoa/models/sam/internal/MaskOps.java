package dev.stoa.models.sam.internal;

import dev.stoa.api.data.Mask;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/** Plain-Java mask arithmetic: resizing logits, IoU, SAM's stability score, and picking pixels for prompts. */
final class MaskOps {

    private MaskOps() {}

    /**
     * Bilinear resize of a square logit map (half-pixel centres, as PyTorch's {@code align_corners=False}), the way
     * SAM brings its low-resolution masks to the input's size before thresholding.
     *
     * @param logits {@code side²} values, row-major
     * @param side their side
     * @param w the width wanted
     * @param h the height wanted
     * @return {@code w * h} values, row-major
     */
    static float[] resize(float[] logits, int side, int w, int h) {
        if (w == side && h == side) {
            return logits;
        }
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            double sy = Math.max(0, Math.min(side - 1, (y + 0.5) * side / h - 0.5));
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(side - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < w; x++) {
                double sx = Math.max(0, Math.min(side - 1, (x + 0.5) * side / w - 0.5));
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(side - 1, x0 + 1);
                double fx = sx - x0;
                double top = logits[y0 * side + x0] * (1 - fx) + logits[y0 * side + x1] * fx;
                double bottom = logits[y1 * side + x0] * (1 - fx) + logits[y1 * side + x1] * fx;
                out[y * w + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    /** @return the mask of the logits above {@code threshold} */
    static Mask threshold(float[] logits, int w, int h, float threshold) {
        byte[] bits = new byte[w * h];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (byte) (logits[i] > threshold ? 1 : 0);
        }
        return new Mask(w, h, bits);
    }

    /**
     * SAM's stability score: the IoU of the mask thresholded at {@code +offset} with the one at {@code -offset}
     * (a mask that barely changes when the threshold moves is a confident one); 0 when both are empty.
     */
    static double stability(float[] logits, float offset) {
        int high = 0;
        int low = 0;
        for (float v : logits) {
            high += v > offset ? 1 : 0;
            low += v > -offset ? 1 : 0;
        }
        return low == 0 ? 0 : (double) high / low;
    }

    /** @return the IoU of two masks of one size; 1 when both are empty */
    static double iou(Mask a, Mask b) {
        byte[] x = a.bits();
        byte[] y = b.bits();
        int inter = 0;
        int union = 0;
        for (int i = 0; i < x.length; i++) {
            boolean p = x[i] != 0;
            boolean q = y[i] != 0;
            inter += p && q ? 1 : 0;
            union += p || q ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    /**
     * @return {@code {x, y}} of the set pixel farthest (in 4-neighbour steps) from any unset pixel or the frame, the
     *     first in row order among equals; the mask must not be empty
     */
    static int[] innermost(Mask m) {
        int w = m.width();
        int h = m.height();
        int[] dist = new int[w * h];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (!m.get(x, y)) {
                    dist[i] = 0;
                } else if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
                    dist[i] = 1;
                    queue.add(i);
                } else {
                    dist[i] = Integer.MAX_VALUE;
                }
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (dist[i] == Integer.MAX_VALUE
                        && (!m.get(x - 1, y) || !m.get(x + 1, y) || !m.get(x, y - 1) || !m.get(x, y + 1))) {
                    dist[i] = 1;
                    queue.add(i);
                }
            }
        }
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int x = i % w;
            int y = i / w;
            int[][] next = {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}};
            for (int[] n : next) {
                if (n[0] >= 0 && n[1] >= 0 && n[0] < w && n[1] < h) {
                    int j = n[1] * w + n[0];
                    if (dist[j] == Integer.MAX_VALUE) {
                        dist[j] = dist[i] + 1;
                        queue.add(j);
                    }
                }
            }
        }
        int best = -1;
        for (int i = 0; i < dist.length; i++) {
            if (dist[i] > 0 && (best < 0 || dist[i] > dist[best])) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("the mask is empty: no point inside it");
        }
        return new int[] {best % w, best / w};
    }

    /**
     * @param m a mask
     * @param rng the generator
     * @param inside a set pixel (true) or an unset one (false)
     * @return {@code {x, y}} drawn uniformly among such pixels, or null if there are none
     */
    static int[] randomPixel(Mask m, SplittableRandom rng, boolean inside) {
        byte[] bits = m.bits();
        int n = 0;
        for (byte b : bits) {
            n += (b != 0) == inside ? 1 : 0;
        }
        if (n == 0) {
            return null;
        }
        int k = rng.nextInt(n);
        for (int i = 0; i < bits.length; i++) {
            if ((bits[i] != 0) == inside && k-- == 0) {
                return new int[] {i % m.width(), i / m.width()};
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * @param m a mask
     * @param side the side of the result
     * @param cell the side of the averaging cells, in pixels of the result
     * @return the mask resampled to {@code side x side} (nearest pixel), averaged over {@code cell x cell} blocks:
     *     a coarse mask prompt, values in [0, 1], row-major
     */
    static float[] coarse(Mask m, int side, int cell) {
        float[] fine = sample(m, side);
        float[] out = new float[side * side];
        for (int by = 0; by < side; by += cell) {
            for (int bx = 0; bx < side; bx += cell) {
                float sum = 0;
                int n = 0;
                for (int y = by; y < Math.min(side, by + cell); y++) {
                    for (int x = bx; x < Math.min(side, bx + cell); x++) {
                        sum += fine[y * side + x];
                        n++;
                    }
                }
                for (int y = by; y < Math.min(side, by + cell); y++) {
                    for (int x = bx; x < Math.min(side, bx + cell); x++) {
                        out[y * side + x] = sum / n;
                    }
                }
            }
        }
        return out;
    }

    /** @return the mask sampled at {@code side x side} pixel centres (nearest), as 0/1 floats, row-major */
    static float[] sample(Mask m, int side) {
        float[] out = new float[side * side];
        for (int y = 0; y < side; y++) {
            int sy = Math.min(m.height() - 1, (int) ((y + 0.5) * m.height() / side));
            for (int x = 0; x < side; x++) {
                int sx = Math.min(m.width() - 1, (int) ((x + 0.5) * m.width() / side));
                out[y * side + x] = m.get(sx, sy) ? 1 : 0;
            }
        }
        return out;
    }
}
