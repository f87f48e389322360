package dev.stoa.ocr.paddle.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins the boxes of one text line. DB detects text regions, and on large type the gap between two words (or even
 * inside one, between letters) can split a line into several boxes; a {@code TextLine} is a whole line, and the
 * recognizer reads a whole line better than its pieces (a piece cut mid-word loses or repeats letters). Two boxes
 * are one line when they overlap vertically by at least half the lower box's height and the horizontal gap between
 * them is at most the taller box's height (about two spaces of that type size: columns further apart stay apart).
 */
final class LineGrouper {

    /** Least vertical overlap of two boxes of one line, as a fraction of the lower box's height. */
    static final double MIN_VERTICAL_OVERLAP = 0.5;
    /** Widest horizontal gap inside one line, in multiples of the taller box's height. */
    static final double MAX_GAP_HEIGHTS = 1.0;

    private LineGrouper() {}

    /** @return the boxes with those of one line joined into their union (score: the lowest of the parts) */
    static List<TextBox> join(List<TextBox> boxes) {
        List<TextBox> lines = new ArrayList<>(boxes);
        boolean joined = true;
        while (joined) {
            joined = false;
            outer:
            for (int i = 0; i < lines.size(); i++) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (sameLine(lines.get(i), lines.get(j))) {
                        lines.set(i, union(lines.get(i), lines.get(j)));
                        lines.remove(j);
                        joined = true;
                        break outer;
                    }
                }
            }
        }
        return lines;
    }

    static boolean sameLine(TextBox a, TextBox b) {
        int overlap = Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y());
        if (overlap < MIN_VERTICAL_OVERLAP * Math.min(a.height(), b.height())) {
            return false;
        }
        int gap = Math.max(a.x(), b.x()) - Math.min(a.x() + a.width(), b.x() + b.width());
        return gap <= MAX_GAP_HEIGHTS * Math.max(a.height(), b.height());
    }

    private static TextBox union(TextBox a, TextBox b) {
        int x0 = Math.min(a.x(), b.x());
        int y0 = Math.min(a.y(), b.y());
        int x1 = Math.max(a.x() + a.width(), b.x() + b.width());
        int y1 = Math.max(a.y() + a.height(), b.y() + b.height());
        return new TextBox(x0, y0, x1 - x0, y1 - y0, Math.min(a.score(), b.score()));
    }
}
