package dev.stoa.vertx.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Segment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The JSON of masks and segments ({@code dev.stoa.vertx.Payloads}):
 *
 * <pre>
 * Mask     {"width": W, "height": H, "mask": "&lt;base64 PNG, 0 black / 255 white&gt;",
 *           "rle": {"size": [H, W], "counts": [...], "order": "column-major"}, "area": n}
 * Segment  {"mask": "&lt;base64 PNG&gt;", "rle": {...}, "box": [x0, y0, x1, y1], "score": 0.93, "area": n,
 *           "label": "..."}   (label only when set)
 * </pre>
 *
 * <p>{@code rle} is COCO's uncompressed run-length encoding (pycocotools reads it as it is: {@code size} is
 * {@code [height, width]}, the counts run down the columns). On input a mask is read from {@code mask} (a PNG of only
 * black and white pixels) or, without it, from {@code rle}; the first form of {@code Mask},
 * {@code {"width", "height", "bits": "<base64 of W*H bytes, 0 or 1>"}}, is still read. A segment's {@code box}
 * defaults to the mask's tightest box and {@code score} to 1; {@code area} and {@code order} are ignored on input.
 */
public final class MaskJson {

    /** The pixel order of the {@code rle} counts, written so that a reader need not guess. */
    public static final String ORDER = "column-major";

    private MaskJson() {}

    /** @return the mask's JSON */
    public static JsonObject mask(Mask m) {
        return new JsonObject()
                .put("width", m.width())
                .put("height", m.height())
                .put("mask", Base64.getEncoder().encodeToString(m.encodePng()))
                .put("rle", rle(m))
                .put("area", m.area());
    }

    /** @return the segment's JSON */
    public static JsonObject segment(Segment s) {
        JsonObject json = new JsonObject()
                .put("mask", Base64.getEncoder().encodeToString(s.mask().encodePng()))
                .put("rle", rle(s.mask()))
                .put("box", JsonFields.array(s.box()))
                .put("score", s.score())
                .put("area", s.area());
        if (s.label() != null) {
            json.put("label", s.label());
        }
        return json;
    }

    /** @return a mask from its JSON: {@code mask} (PNG), else {@code rle}, else the first form's {@code bits} */
    public static Mask mask(JsonObject json) {
        if (json.getValue("mask") != null) {
            return Mask.decodePng(JsonFields.base64(json, "mask"));
        }
        if (json.getValue("rle") != null) {
            return fromRle(json.getValue("rle"));
        }
        if (json.getValue("bits") != null) {
            return new Mask(
                    JsonFields.integer(json, "width"),
                    JsonFields.integer(json, "height"),
                    JsonFields.base64(json, "bits"));
        }
        throw StoaException.badInput(
                "mask", "is missing; send the mask as a base64 PNG (black background, white object) or as 'rle'");
    }

    /** @return a segment from its JSON */
    public static Segment segment(JsonObject json) {
        Mask m = mask(json);
        int[] box = json.getValue("box") == null ? m.box() : JsonFields.ints(json, "box");
        double score = 1;
        Object v = json.getValue("score");
        if (v != null) {
            if (!(v instanceof Number n)) {
                throw StoaException.badInput("score", "must be a number, such as 0.93");
            }
            score = n.doubleValue();
        }
        Object label = json.getValue("label");
        if (label != null && !(label instanceof String)) {
            throw StoaException.badInput("label", "must be a string");
        }
        return new Segment(m, box, score, (String) label);
    }

    private static JsonObject rle(Mask m) {
        return new JsonObject()
                .put("size", new JsonArray().add(m.height()).add(m.width()))
                .put("counts", JsonFields.array(m.rleCounts()))
                .put("order", ORDER);
    }

    private static Mask fromRle(Object value) {
        if (!(value instanceof JsonObject rle)) {
            throw StoaException.badInput("rle", "must be an object {\"size\": [height, width], \"counts\": [...]}");
        }
        int[] size;
        try {
            size = JsonFields.ints(rle, "size");
        } catch (StoaException e) {
            throw new StoaException(e.code(), "'rle." + e.getMessage().substring(1), e);
        }
        if (size.length != 2) {
            throw StoaException.badInput("rle.size", "must be [height, width]");
        }
        Object order = rle.getValue("order");
        if (order != null && !ORDER.equals(order)) {
            throw StoaException.badInput("rle.order", "is " + order + "; only column-major counts (COCO's) are read");
        }
        int[] counts;
        try {
            counts = JsonFields.ints(rle, "counts");
        } catch (StoaException e) {
            throw new StoaException(e.code(), "'rle." + e.getMessage().substring(1), e);
        }
        return Mask.fromRle(size[1], size[0], counts);
    }
}
