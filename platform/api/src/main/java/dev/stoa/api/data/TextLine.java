package dev.stoa.api.data;

import dev.stoa.api.StoaException;

/**
 * One line of text found in an image, with where it is and how sure the recognizer is.
 *
 * @param text the line's text
 * @param confidence in [0, 1]
 * @param x left edge of the line's axis-aligned bounding box, in pixels
 * @param y top edge, in pixels
 * @param width width of the box, in pixels
 * @param height height of the box, in pixels
 */
public record TextLine(String text, double confidence, int x, int y, int width, int height) {

    public TextLine {
        if (text == null) {
            throw StoaException.badInput("text", "is missing");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw StoaException.badInput("confidence", "is " + confidence + "; it must be in [0, 1]");
        }
        if (width < 0 || height < 0) {
            throw StoaException.badInput("width/height", "are " + width + "x" + height + "; they cannot be negative");
        }
    }
}
