package dev.stoa.ocr.paddle.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts text boxes in reading order as PaddleOCR's {@code sorted_boxes} does: top to bottom, and boxes whose tops
 * are within {@link #SAME_LINE_PIXELS} of each other left to right.
 */
final class ReadingOrder {

    /** Tops closer than this (in image pixels) count as one row: PaddleOCR's constant. */
    static final int SAME_LINE_PIXELS = 10;

    private ReadingOrder() {}

    /** @return the boxes in reading order (a new list) */
    static List<TextBox> sort(List<TextBox> boxes) {
        List<TextBox> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingInt(TextBox::y).thenComparingInt(TextBox::x));
        // one bubbling pass backwards per box, as PaddleOCR: a box slightly higher but further right moves after
        for (int i = 0; i < sorted.size() - 1; i++) {
            for (int j = i; j >= 0; j--) {
                TextBox a = sorted.get(j);
                TextBox b = sorted.get(j + 1);
                if (Math.abs(b.y() - a.y()) < SAME_LINE_PIXELS && b.x() < a.x()) {
                    sorted.set(j, b);
                    sorted.set(j + 1, a);
                } else {
                    break;
                }
            }
        }
        return sorted;
    }
}
