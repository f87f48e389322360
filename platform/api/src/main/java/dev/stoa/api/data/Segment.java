package dev.stoa.api.data;

import dev.stoa.api.StoaException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One segmented object, as SAM answers it: its mask at the image's size, its box, a score (SAM's predicted IoU) and
 * an optional label (e.g. a zero-shot class a later stage gave it).
 *
 * @param mask the mask, at the image's size
 * @param box {@code [x0, y0, x1, y1]} in pixel edges, x1 and y1 exclusive, inside the mask's frame:
 *     {@code 0 <= x0 <= x1 <= W}, {@code 0 <= y0 <= y1 <= H} ({@link Mask#box()} is the tightest such box)
 * @param score a confidence, finite (SAM's predicted IoU lies in [0, 1])
 * @param label a name for the object, or null
 */
public record Segment(Mask mask, int[] box, double score, String label) {

    public Segment {
        Objects.requireNonNull(mask, "mask");
        if (box == null || box.length != 4) {
            throw StoaException.badInput("box", "must be [x0, y0, x1, y1], four whole numbers");
        }
        if (box[0] < 0
                || box[1] < 0
                || box[0] > box[2]
                || box[1] > box[3]
                || box[2] > mask.width()
                || box[3] > mask.height()) {
            throw StoaException.badInput(
                    "box",
                    "is " + Arrays.toString(box) + "; it must lie inside the " + mask.width() + "x" + mask.height()
                            + " mask with x0 <= x1 and y0 <= y1 (pixel edges, x1 and y1 exclusive)");
        }
        if (!Double.isFinite(score)) {
            throw StoaException.badInput("score", "is " + score + "; send a finite number");
        }
        box = box.clone();
    }

    /**
     * @param mask the mask
     * @param score its score
     * @return a segment whose box is the mask's tightest ({@link Mask#box()}), unlabelled
     */
    public static Segment of(Mask mask, double score) {
        return new Segment(mask, mask.box(), score, null);
    }

    /** @return a copy of the box */
    @Override
    public int[] box() {
        return box.clone();
    }

    /** @return the pixels set in the mask */
    public int area() {
        return mask.area();
    }

    /** @return the same segment with a label */
    public Segment withLabel(String name) {
        return new Segment(mask, box, score, name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Segment s
                && mask.equals(s.mask)
                && Arrays.equals(box, s.box)
                && Double.compare(score, s.score) == 0
                && Objects.equals(label, s.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mask, Arrays.hashCode(box), score, label);
    }

    @Override
    public String toString() {
        return "Segment[" + mask + ", box=" + Arrays.toString(box) + ", score=" + score
                + (label == null ? "" : ", label=" + label) + "]";
    }
}
