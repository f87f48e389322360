package dev.stoa.ocr.paddle.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the probability map of a DB (Differentiable Binarization) text detector into text boxes, as PaddleOCR's
 * {@code DBPostProcess} does, with axis-aligned boxes instead of rotated rectangles.
 *
 * <p>Map {@code (H, W)} of per-pixel text probabilities in, boxes in map pixels out:
 * <ol>
 *   <li>binarize: a pixel is text when its probability is over {@link #THRESHOLD};</li>
 *   <li>find the 8-connected regions of text pixels, each region's bounding box;</li>
 *   <li>drop boxes whose short side is under {@link #MIN_SIZE} pixels, and boxes whose mean probability (over the
 *       whole box, PaddleOCR's "fast" box score) is under {@link #BOX_THRESHOLD};</li>
 *   <li>"unclip": DB's kernels cover the text's core only, so grow each box on every side by
 *       {@code d = area * UNCLIP_RATIO / perimeter} (the offset PaddleOCR gives pyclipper), then drop boxes whose
 *       short side is still under {@code MIN_SIZE + 2}.</li>
 * </ol>
 * Rotated lines therefore get their bounding box; this suits horizontal text, which is what PP-OCRv4's recognizer
 * reads without the (unused) orientation classifier anyway.
 *
 * <p>Stateless and thread-safe.
 */
final class DbPostProcessor {

    /** Binarization threshold: PaddleOCR's {@code det_db_thresh} default. */
    static final float THRESHOLD = 0.3f;
    /** Least mean probability of a kept box: PaddleOCR's {@code det_db_box_thresh} default. */
    static final double BOX_THRESHOLD = 0.6;
    /** How far boxes grow: PaddleOCR's {@code det_db_unclip_ratio} default. */
    static final double UNCLIP_RATIO = 1.5;
    /** Shortest side of a kept region, in map pixels: PaddleOCR's {@code min_size}. */
    static final int MIN_SIZE = 3;
    /** Most boxes per image: PaddleOCR's {@code max_candidates}. */
    static final int MAX_CANDIDATES = 1000;

    /**
     * @param probability row-major {@code (height, width)} text probabilities
     * @param width map width
     * @param height map height
     * @return the boxes, in map pixels, in no particular order
     */
    List<TextBox> boxes(float[] probability, int width, int height) {
        boolean[] seen = new boolean[width * height];
        int[] queue = new int[width * height];
        List<TextBox> boxes = new ArrayList<>();
        for (int start = 0; start < probability.length && boxes.size() < MAX_CANDIDATES; start++) {
            if (seen[start] || probability[start] <= THRESHOLD) {
                continue;
            }
            // breadth-first flood fill of one region, tracking its bounding box
            int minX = width;
            int minY = height;
            int maxX = -1;
            int maxY = -1;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            while (head < tail) {
                int p = queue[head++];
                int px = p % width;
                int py = p / width;
                minX = Math.min(minX, px);
                maxX = Math.max(maxX, px);
                minY = Math.min(minY, py);
                maxY = Math.max(maxY, py);
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = py + dy;
                    if (ny < 0 || ny >= height) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = px + dx;
                        int n = ny * width + nx;
                        if (nx >= 0 && nx < width && !seen[n] && probability[n] > THRESHOLD) {
                            seen[n] = true;
                            queue[tail++] = n;
                        }
                    }
                }
            }
            TextBox box = box(probability, width, height, minX, minY, maxX, maxY);
            if (box != null) {
                boxes.add(box);
            }
        }
        return boxes;
    }

    private static TextBox box(float[] probability, int width, int height, int minX, int minY, int maxX, int maxY) {
        int w = maxX - minX + 1;
        int h = maxY - minY + 1;
        if (Math.min(w, h) < MIN_SIZE) {
            return null;
        }
        double sum = 0;
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                sum += probability[y * width + x];
            }
        }
        double score = sum / ((double) w * h);
        if (score < BOX_THRESHOLD) {
            return null;
        }
        double d = (double) w * h * UNCLIP_RATIO / (2.0 * (w + h));
        double grownW = w + 2 * d;
        double grownH = h + 2 * d;
        if (Math.min(grownW, grownH) < MIN_SIZE + 2) {
            return null;
        }
        int x0 = (int) Math.floor(minX - d);
        int y0 = (int) Math.floor(minY - d);
        int x1 = (int) Math.ceil(maxX + 1 + d);
        int y1 = (int) Math.ceil(maxY + 1 + d);
        return new TextBox(x0, y0, x1 - x0, y1 - y0, Math.min(1.0, score)).clippedTo(width, height);
    }
}
