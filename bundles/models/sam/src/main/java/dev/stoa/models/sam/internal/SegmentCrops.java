package dev.stoa.models.sam.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Segment;
import java.util.List;
import java.util.Locale;

/**
 * The picture of each segment, for a model that names it (segment-and-name: SAM's masks, then CLIP zero-shot on each
 * one's picture, the composition the SAM paper's §7.5 "text to mask" and its demos run the other way round). Two
 * forms, the request's {@code crops} field:
 *
 * <ul>
 *   <li>{@code cutout}: the whole frame, each pixel outside the segment's mask painted with the background colour,
 *       so the picture is a scene with just this object, at its own size and place: what a CLIP trained on whole
 *       scenes has seen (the default form);
 *   <li>{@code box}: the pixels of the segment's box, as they are (neighbours that reach into the box included): the
 *       SAM paper's crop, for a namer trained on objects that fill the picture.
 * </ul>
 *
 * The background colour is the per-channel median of the pixels no segment covers (white when every pixel is
 * covered): scenes have a plain background, and a median is not moved by a word or a missed object.
 */
final class SegmentCrops {

    /** The forms, as the request names them. */
    enum Form {
        CUTOUT,
        BOX;

        /** @return the request's {@code crops} value: absent or "none" for no pictures */
        static Form of(Object value) {
            if (value == null || "none".equals(value)) {
                return null;
            }
            if (value instanceof String s) {
                for (Form f : values()) {
                    if (f.name().toLowerCase(Locale.ROOT).equals(s)) {
                        return f;
                    }
                }
            }
            throw StoaException.badInput(
                    "crops",
                    "is " + value + "; send \"cutout\" (the whole frame, only this segment kept), \"box\""
                            + " (the segment's box) or \"none\"");
        }
    }

    private SegmentCrops() {}

    /**
     * @param image the image the segments were found in
     * @param segments its segments, masks at the image's size
     * @param form the form of the pictures
     * @return one picture per segment, in the segments' order
     */
    static List<Image> of(Image image, List<Segment> segments, Form form) {
        int[] background = background(image, segments);
        return segments.stream()
                .map(s -> form == Form.BOX ? box(image, s.box()) : cutout(image, s.mask(), background))
                .toList();
    }

    /** @return the pixels of {@code box} ({@code [x0, y0, x1, y1]}, pixel edges); one pixel when the box is empty */
    static Image box(Image image, int[] box) {
        int x0 = Math.min(box[0], image.width() - 1);
        int y0 = Math.min(box[1], image.height() - 1);
        int w = Math.max(1, box[2] - x0);
        int h = Math.max(1, box[3] - y0);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.rgb(), ((y0 + y) * image.width() + x0) * 3, rgb, y * w * 3, w * 3);
        }
        return new Image(w, h, rgb);
    }

    /** @return the image with every pixel outside {@code mask} set to {@code background} (R, G, B) */
    static Image cutout(Image image, Mask mask, int[] background) {
        byte[] rgb = image.rgb().clone();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                if (!mask.get(x, y)) {
                    int i = (y * image.width() + x) * 3;
                    rgb[i] = (byte) background[0];
                    rgb[i + 1] = (byte) background[1];
                    rgb[i + 2] = (byte) background[2];
                }
            }
        }
        return new Image(image.width(), image.height(), rgb);
    }

    /** @return the per-channel median (0-255) of the pixels no segment covers; white when there are none */
    static int[] background(Image image, List<Segment> segments) {
        int[][] histogram = new int[3][256];
        int n = 0;
        byte[] rgb = image.rgb();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                boolean covered = false;
                for (Segment s : segments) {
                    if (s.mask().get(x, y)) {
                        covered = true;
                        break;
                    }
                }
                if (!covered) {
                    int i = (y * image.width() + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        histogram[c][rgb[i + c] & 0xff]++;
                    }
                    n++;
                }
            }
        }
        if (n == 0) {
            return new int[] {255, 255, 255};
        }
        int[] median = new int[3];
        for (int c = 0; c < 3; c++) {
            int seen = 0;
            int v = 0;
            while (seen + histogram[c][v] <= (n - 1) / 2) {
                seen += histogram[c][v];
                v++;
            }
            median[c] = v;
        }
        return median;
    }
}
