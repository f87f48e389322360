package dev.stoa.models.merlot.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a MERLOT request ({@code Map}, as the bus hands a JSON object to a service that takes a map):
 * failures are {@code BAD_INPUT} naming the field and what to send.
 */
final class MerlotRequests {

    /** A frame sent as base64 is decoded subsampled to at most this many pixels: the model reads 32-64 px. */
    static final long MAX_FRAME_PIXELS = 512L * 512L;
    /** The longest text or question, in characters. */
    static final int MAX_CHARACTERS = 500;

    private MerlotRequests() {}

    /**
     * @param request the request
     * @param frames F, the frames the model reads
     * @return the request's {@code frames}: exactly F images, each an {@link Image} or the base64 of a PNG or JPEG
     */
    static List<Image> frames(Map<?, ?> request, int frames) {
        Object value = request.get("frames");
        // a List from Java callers; over HTTP and the bus a JSON array arrives as Vert.x's JsonArray, an Iterable
        List<Object> list = new ArrayList<>();
        if (value instanceof Iterable<?> items && !(value instanceof Map<?, ?>)) {
            items.forEach(list::add);
        } else {
            throw StoaException.badInput(
                    "frames",
                    value == null
                            ? "is missing; send a list of " + frames + " base64 PNG or JPEG frames"
                            : "must be a list of " + frames + " base64 PNG or JPEG frames, not "
                                    + value.getClass().getSimpleName());
        }
        if (list.size() != frames) {
            throw StoaException.badInput(
                    "frames",
                    "has " + list.size() + " frame" + (list.size() == 1 ? "" : "s") + "; this model reads clips of"
                            + " exactly " + frames + (list.size() > frames ? " (too many)" : " (too few)"));
        }
        List<Image> out = new ArrayList<>(frames);
        for (int k = 0; k < list.size(); k++) {
            Map<String, Object> one = new HashMap<>();
            one.put("image", list.get(k));
            try {
                out.add(MapService.image(one, MAX_FRAME_PIXELS));
            } catch (StoaException e) {
                // MapService and Image.decode name the field 'image': say which frame
                String message = e.getMessage().replaceFirst("^'image': ", "");
                throw new StoaException(e.code(), "'frames[" + k + "]': " + message);
            }
        }
        return out;
    }

    /** @return the request's text field {@code field}, a non-empty string of at most {@link #MAX_CHARACTERS} */
    static String text(Map<?, ?> request, String field, String example) {
        Object value = request.get(field);
        if (!(value instanceof String s)) {
            throw StoaException.badInput(
                    field,
                    value == null
                            ? "is missing; send e.g. '" + example + "'"
                            : "must be a string, not " + value.getClass().getSimpleName());
        }
        if (s.isBlank()) {
            throw StoaException.badInput(field, "is empty; send e.g. '" + example + "'");
        }
        if (s.length() > MAX_CHARACTERS) {
            throw StoaException.badInput(field, "has " + s.length() + " characters; send at most " + MAX_CHARACTERS);
        }
        return s;
    }
}
