package dev.stoa.api;

import dev.stoa.api.data.Image;
import java.util.Base64;
import java.util.Map;

/**
 * A service whose request and answer are JSON objects, read and written as maps (strings, numbers, booleans, lists
 * and nested maps, as the bus's JSON codec gives them): implement {@link #call} only.
 */
public interface MapService extends StoaService<Map<String, Object>, Map<String, Object>> {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    default Class<Map<String, Object>> inputType() {
        return (Class) Map.class;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    default Class<Map<String, Object>> outputType() {
        return (Class) Map.class;
    }

    /**
     * Reads a request's {@code image} field as a model that looks at small images needs it.
     *
     * @param request the request
     * @param maxPixels the pixel budget: a larger image is decoded subsampled ({@link Image#decode(byte[], long)})
     * @return the {@link Image} the bus passed in process, or the decoded base64 of a PNG or JPEG file (a
     *     {@code data:} URL prefix is accepted)
     * @throws StoaException {@code BAD_INPUT} naming {@code image} when it is missing, not a string or not base64
     */
    static Image image(Map<?, ?> request, long maxPixels) {
        Object value = request.get("image");
        if (value instanceof Image image) {
            return image;
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw StoaException.badInput(
                    "image",
                    value == null
                            ? "is missing; send the base64 of a PNG or JPEG file"
                            : "must be the base64 of a PNG or JPEG file");
        }
        String base64 = s.startsWith("data:") ? s.substring(s.indexOf(',') + 1) : s;
        try {
            return Image.decode(Base64.getMimeDecoder().decode(base64), maxPixels);
        } catch (IllegalArgumentException e) {
            throw StoaException.badInput("image", "is not valid base64 (" + e.getMessage() + ")");
        }
    }
}
