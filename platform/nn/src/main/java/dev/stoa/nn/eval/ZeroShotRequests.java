package dev.stoa.nn.eval;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a zero-shot or similarity request, a JSON-shaped {@code Map} as the bus hands a JSON object to
 * a service that takes a map, the same way for every model that serves these contracts (CLIP and CoCa):
 * {@code image}, {@code labels}, {@code templates}, {@code texts}. Failures are {@code BAD_INPUT} naming the field
 * and what to send.
 */
public final class ZeroShotRequests {

    /** The prompt used when neither the request nor the model gives templates. */
    public static final List<String> DEFAULT_TEMPLATES = List.of("a photo of a {}.");

    /**
     * The pixel budget of a request's image: the models trained here look at 32 to 96 pixels a side, so a larger photo is decoded
     * subsampled to at most 1024x1024 ({@link Image#decode(byte[], long)}) before its resize, rather than at full size.
     */
    public static final long MAX_IMAGE_PIXELS = 1024L * 1024L;

    /** The most labels, templates or texts one request may carry. */
    public static final int MAX_STRINGS = 1024;

    private ZeroShotRequests() {}

    /**
     * @param request the request
     * @return its {@code image}: an {@link Image}, or the base64 of a PNG or JPEG file (a {@code data:} URL prefix is
     *     accepted, as the bus's JSON shape of an image)
     */
    public static Image image(Map<?, ?> request) {
        return MapService.image(request, MAX_IMAGE_PIXELS);
    }

    /**
     * @param request the request
     * @param field a field holding a list of strings
     * @param fallback what to use when the field is absent, or {@code null} if it is required
     * @return the strings, at least one, none empty
     */
    public static List<String> strings(Map<?, ?> request, String field, List<String> fallback) {
        Object value = request.get(field);
        if (value == null && fallback != null) {
            return fallback;
        }
        // a JSON array arrives as a List or as Vert.x's JsonArray, which is Iterable: accept either
        if (!(value instanceof Iterable<?> items)) {
            throw StoaException.badInput(
                    field, value == null ? "is missing; send an array of strings" : "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (out.size() == MAX_STRINGS) {
                // each one is a row of the text encoder's batch: thousands would hold gigabytes of activations
                throw StoaException.badInput(
                        field, "has more than " + MAX_STRINGS + " entries; send at most " + MAX_STRINGS);
            }
            if (!(item instanceof String s) || s.isBlank()) {
                throw StoaException.badInput(field + "[" + out.size() + "]", "must be a non-empty string, not " + item);
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw StoaException.badInput(field, "is empty; send at least one");
        }
        return out;
    }

    /**
     * @param request the request
     * @param fallback the model's own classes, used when the request has no {@code labels}; may be empty
     * @return its {@code labels}, at least one, distinct
     */
    public static List<String> labels(Map<?, ?> request, List<String> fallback) {
        List<String> labels = strings(request, "labels", fallback.isEmpty() ? null : fallback);
        if (new HashSet<>(labels).size() != labels.size()) {
            throw StoaException.badInput("labels", "lists a label twice; each class needs a distinct name");
        }
        return labels;
    }

    /**
     * @param request the request
     * @param fallback the model's own templates, used when the request has none; CLIP's default prompt when empty
     * @return its {@code templates}, or the default; each must contain {@code {}} where the label goes
     */
    public static List<String> templates(Map<?, ?> request, List<String> fallback) {
        List<String> templates = strings(request, "templates", fallback.isEmpty() ? DEFAULT_TEMPLATES : fallback);
        for (int i = 0; i < templates.size(); i++) {
            if (!templates.get(i).contains("{}")) {
                throw StoaException.badInput(
                        "templates[" + i + "]",
                        "'" + templates.get(i) + "' has no '{}'; mark where the label goes, e.g. 'a photo of a {}.'");
            }
        }
        return templates;
    }
}
