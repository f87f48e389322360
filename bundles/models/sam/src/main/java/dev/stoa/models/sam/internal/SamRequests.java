package dev.stoa.models.sam.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads SAM's requests. Coordinates are the input image's own pixels: a point {@code [x, y]} names the pixel at
 * column x, row y ({@code 0 <= x < W}, {@code 0 <= y < H}; fractions allowed), read at the pixel's centre as SAM's
 * predictor does; a box {@code [x0, y0, x1, y1]} is in pixel edges, x1 and y1 exclusive ({@code 0 <= x0 < x1 <= W}),
 * the form segments' boxes are answered in. Every bad field fails with BAD_INPUT naming it.
 */
final class SamRequests {

    /** The most points in one prompt (SAM's interactive sessions use up to about a dozen clicks). */
    static final int MAX_POINTS = 16;
    /** The largest image decoded: masks come back at the input's size, one byte a pixel per mask. */
    static final long MAX_IMAGE_PIXELS = 1024L * 1024L;
    /** The largest segment-everything grid side: 32 x 32 = 1024 prompts, SAM's default. */
    static final int MAX_POINTS_PER_SIDE = 32;

    private SamRequests() {}

    static Image image(Map<String, Object> request) {
        return MapService.image(request, MAX_IMAGE_PIXELS);
    }

    /** @return the request's prompt, normalised to [0, 1] of the image's width and height */
    static SamPrompt prompt(Map<String, Object> request, Image image) {
        int w = image.width();
        int h = image.height();
        List<Float> points = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        Object pv = request.get("points");
        if (pv != null) {
            List<Object> list = list(pv, "points", "an array of [x, y] pairs, e.g. [[12, 30]]");
            if (list.size() > MAX_POINTS) {
                throw StoaException.badInput("points", "has " + list.size() + " points; send at most " + MAX_POINTS);
            }
            List<Object> lv = request.get("point_labels") == null
                    ? null
                    : list(request.get("point_labels"), "point_labels", "an array of 1 (object) or 0 (background)");
            if (lv != null && lv.size() != list.size()) {
                throw StoaException.badInput(
                        "point_labels",
                        "has " + lv.size() + " labels for " + list.size() + " points; send one label per point");
            }
            for (int i = 0; i < list.size(); i++) {
                String field = "points[" + i + "]";
                double[] xy = numbers(list.get(i), field, 2, "a pair [x, y] of pixel coordinates");
                if (!(xy[0] >= 0 && xy[0] < w && xy[1] >= 0 && xy[1] < h)) {
                    throw StoaException.badInput(
                            field,
                            "(" + xy[0] + ", " + xy[1] + ") is outside the " + w + "x" + h
                                    + " image; send pixel coordinates with 0 <= x < " + w + " and 0 <= y < " + h);
                }
                points.add((float) ((xy[0] + 0.5) / w));
                points.add((float) ((xy[1] + 0.5) / h));
                long label = SamPrompt.POSITIVE;
                if (lv != null) {
                    Object l = lv.get(i);
                    if (!(l instanceof Number n) || (n.doubleValue() != 0 && n.doubleValue() != 1)) {
                        throw StoaException.badInput(
                                "point_labels[" + i + "]",
                                "is " + l + "; send 1 for a point on the object, 0 for one on the background");
                    }
                    label = n.longValue();
                }
                labels.add(label);
            }
        }
        Object bv = request.get("box");
        if (bv != null) {
            double[] b = numbers(bv, "box", 4, "[x0, y0, x1, y1] in pixel edges");
            if (!(b[0] >= 0 && b[1] >= 0 && b[2] <= w && b[3] <= h && b[0] < b[2] && b[1] < b[3])) {
                throw StoaException.badInput(
                        "box",
                        "is [" + b[0] + ", " + b[1] + ", " + b[2] + ", " + b[3] + "]; send [x0, y0, x1, y1] with 0 <="
                                + " x0 < x1 <= " + w + " and 0 <= y0 < y1 <= " + h + " (pixel edges of the " + w + "x"
                                + h + " image)");
            }
            points.add((float) (b[0] / w));
            points.add((float) (b[1] / h));
            points.add((float) (b[2] / w));
            points.add((float) (b[3] / h));
            labels.add(SamPrompt.CORNER_1);
            labels.add(SamPrompt.CORNER_2);
        }
        if (labels.isEmpty()) {
            throw StoaException.badInput(
                    "points", "is missing and so is 'box'; send at least one point [[x, y]] or a box [x0, y0, x1, y1]");
        }
        float[] p = new float[points.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = points.get(i);
        }
        return new SamPrompt(p, labels.stream().mapToLong(Long::longValue).toArray(), null);
    }

    static boolean flag(Map<String, Object> request, String field, boolean absent) {
        Object v = request.get(field);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw StoaException.badInput(field, "is " + v + "; send true or false");
    }

    static double number(Map<String, Object> request, String field, double absent, double min, double max) {
        Object v = request.get(field);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
            throw StoaException.badInput(field, "is " + v + "; send a number from " + min + " to " + max);
        }
        return n.doubleValue();
    }

    static int integer(Map<String, Object> request, String field, int absent, int min, int max) {
        Object v = request.get(field);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Number n)
                || n.doubleValue() != Math.rint(n.doubleValue())
                || n.intValue() < min
                || n.intValue() > max) {
            throw StoaException.badInput(field, "is " + v + "; send a whole number from " + min + " to " + max);
        }
        return n.intValue();
    }

    private static List<Object> list(Object v, String field, String expected) {
        if (!(v instanceof Iterable<?> it) || v instanceof Map) {
            throw StoaException.badInput(field, "must be " + expected);
        }
        List<Object> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    private static double[] numbers(Object v, String field, int n, String expected) {
        List<Object> list = list(v, field, expected);
        if (list.size() != n) {
            throw StoaException.badInput(field, "has " + list.size() + " numbers; send " + expected);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!(list.get(i) instanceof Number num) || !Double.isFinite(num.doubleValue())) {
                throw StoaException.badInput(field, "must be " + expected + " (numbers)");
            }
            out[i] = num.doubleValue();
        }
        return out;
    }
}
