package dev.stoa.ocr.paddle.internal;

/**
 * An axis-aligned box around one line of text, in pixels of the image it was found in.
 *
 * @param x left edge
 * @param y top edge
 * @param width width, at least 1
 * @param height height, at least 1
 * @param score the detector's mean text probability inside the box, in [0, 1]
 */
record TextBox(int x, int y, int width, int height, double score) {

    /** @return this box in the coordinates of an image {@code 1/scaleX} times as wide and {@code 1/scaleY} as high */
    TextBox scaled(double scaleX, double scaleY) {
        int x0 = (int) Math.floor(x / scaleX);
        int y0 = (int) Math.floor(y / scaleY);
        int x1 = (int) Math.ceil((x + width) / scaleX);
        int y1 = (int) Math.ceil((y + height) / scaleY);
        return new TextBox(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0), score);
    }

    /** @return this box cut to an image of the given size (never empty: at least 1x1 inside it) */
    TextBox clippedTo(int imageWidth, int imageHeight) {
        int x0 = Math.min(Math.max(0, x), imageWidth - 1);
        int y0 = Math.min(Math.max(0, y), imageHeight - 1);
        int x1 = Math.max(x0 + 1, Math.min(imageWidth, x + width));
        int y1 = Math.max(y0 + 1, Math.min(imageHeight, y + height));
        return new TextBox(x0, y0, x1 - x0, y1 - y0, score);
    }
}
