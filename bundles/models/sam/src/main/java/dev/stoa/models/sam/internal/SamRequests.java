package dev.stoa.models.sam.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads SAM's requests. Coordinates are the input image's own pixels: a point {@code [x, y]} names the pixel at
 * column x, row y ({@code 0 <= x < W}, {@code 0 <= y < H}; fractions allowed), read at the pixel's centre as SAM's
 * predictor does; a box {@code [x0, y0, x1, y1]} is in pixel edges, x1 and y1 exclusive ({@code 0 <= x0 < x1 <= W}),
 * the form segments' boxes are answered in. A coarse mask prompt {@code mask} is the base64 of a PNG of any size,
 * stretched over the whole image as the image is stretched to the model's input (every pixel that is not pure black
 * is inside, so 0/255 and 0/1 masks both read), and becomes the prompt training makes from its target
 * ({@link MaskOps#coarse}: sampled at the model's mask size, averaged over {@link SamPrompt#MASK_CELL} cells); a
 * previous answer's segment {@code mask} goes back as it is. Every bad field fails with BAD_INPUT naming it (a mask
 * whose header announces more than {@link Image#MAX_PIXELS} with TOO_LARGE, as the image does).
 */
final class SamRequests {

    /** The most points in one prompt (SAM's interactive sessions use up to about a dozen clicks). */
    static final int MAX_POINTS = 16;
    /** The largest image decoded: masks come back at the input's size, one byte a pixel per mask. */
    static final long MAX_IMAGE_PIXELS = 1024L * 1024L;
    /** The largest segment-everything grid side: 32 x 32 = 1024 prompts, SAM's default. */
    static final int MAX_POINTS_PER_SIDE = 32;
    /** The 8 bytes every PNG file starts with: the mask must be a PNG (a JPEG's compression blurs its edges). */
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private SamRequests() {}

    static Image image(Map<String, Object> request) {
        return MapService.image(request, MAX_IMAGE_PIXELS);
    }

    /**
     * @param request the request
     * @param image its image
     * @param maskSize the side of the model's masks, for the coarse mask prompt
     * @return the request's prompt, normalised to [0, 1] of the image's width and height, with its coarse mask
     *     prompt when the request has a {@code mask}
     */
    static SamPrompt prompt(Map<String, Object> request, Image image, int maskSize) {
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
        Mask mask = mask(request);
        if (labels.isEmpty()) {
            throw StoaException.badInput(
                    "points",
                    mask == null
                            ? "is missing and so is 'box'; send at least one point [[x, y]] or a box [x0, y0, x1, y1]"
                            : "is missing and so is 'box'; 'mask' refines a point or box prompt and is not a prompt"
                                    + " by itself (training never showed one alone): send a point [[x, y]] or a box"
                                    + " [x0, y0, x1, y1] with it");
        }
        float[] p = new float[points.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = points.get(i);
        }
        return new SamPrompt(
                p,
                labels.stream().mapToLong(Long::longValue).toArray(),
                mask == null ? null : MaskOps.coarse(mask, maskSize, SamPrompt.MASK_CELL));
    }

    /**
     * Reads the request's {@code mask}: the base64 of a PNG file (a {@code data:} URL prefix is accepted), any size,
     * decoded within the image's pixel budget ({@link #MAX_IMAGE_PIXELS}, larger files subsampled); every pixel that
     * is not pure black is inside, alpha is ignored. A {@link Mask} or {@link Image} passed in process is taken as it
     * is.
     *
     * @return the mask at the size it came, or null when the request has none
     * @throws StoaException BAD_INPUT naming {@code mask} for anything but an intact PNG, TOO_LARGE for one whose
     *     header announces more than {@link Image#MAX_PIXELS}
     */
    static Mask mask(Map<String, Object> request) {
        Object value = request.get("mask");
        if (value == null) {
            return null;
        }
        if (value instanceof Mask m) {
            return m;
        }
        Image image = value instanceof Image i ? i : decodeMask(value);
        byte[] rgb = image.rgb();
        byte[] bits = new byte[image.width() * image.height()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (byte) (rgb[3 * i] != 0 || rgb[3 * i + 1] != 0 || rgb[3 * i + 2] != 0 ? 1 : 0);
        }
        return new Mask(image.width(), image.height(), bits);
    }

    private static Image decodeMask(Object value) {
        if (value instanceof Map<?, ?> segment && segment.get("mask") instanceof String) {
            throw StoaException.badInput(
                    "mask", "is a segment object; send the segment's own \"mask\" string (the base64 PNG) as 'mask'");
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw StoaException.badInput(
                    "mask",
                    "must be the base64 of a PNG file (black outside, white inside), e.g. a previous answer's"
                            + " masks[i].mask");
        }
        String base64 = s.startsWith("data:") ? s.substring(s.indexOf(',') + 1) : s;
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw StoaException.badInput(
                    "mask", "is not valid base64 (" + e.getMessage() + "); send the base64 of a PNG file");
        }
        if (bytes.length < PNG_SIGNATURE.length
                || !Arrays.equals(bytes, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, PNG_SIGNATURE.length)) {
            StringBuilder start = new StringBuilder();
            for (int i = 0; i < Math.min(4, bytes.length); i++) {
                start.append(String.format("%02x", bytes[i]));
            }
            throw StoaException.badInput(
                    "mask",
                    "is not a PNG file (" + bytes.length + " bytes" + (bytes.length > 0 ? ", starting " + start : "")
                            + "); send the base64 of a PNG (a JPEG's compression blurs a mask's edges)");
        }
        try {
            return Image.decode(bytes, MAX_IMAGE_PIXELS);
        } catch (StoaException e) {
            // the decoder names 'image'; say 'mask', and keep its code (TOO_LARGE for a giant header, as for images)
            String problem = String.valueOf(e.getMessage())
                    .replaceFirst("^'image':? ?", "")
                    .replaceFirst("; send an intact (PNG or JPEG )?file$", "");
            throw new StoaException(
                    e.code(),
                    e.code() == FailureCode.TOO_LARGE
                            ? "'mask': " + problem
                            : "'mask': is not an intact PNG (" + problem + "); send an intact PNG file",
                    e);
        }
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
