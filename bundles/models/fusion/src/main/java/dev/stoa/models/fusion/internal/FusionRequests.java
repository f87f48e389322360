package dev.stoa.models.fusion.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.Map;

/**
 * Reads the fields of a JSON-shaped request ({@code Map}, as the bus hands a JSON object to a service that takes a
 * map): failures are {@code BAD_INPUT} naming the field and what to send.
 */
final class FusionRequests {

    /** An image sent as base64 is decoded subsampled to at most this many pixels: the model reads 32-64 px. */
    static final long MAX_IMAGE_PIXELS = 1024L * 1024L;

    private FusionRequests() {}

    /** @return the request's {@code image}: an {@link Image} or the base64 of a PNG or JPEG file */
    static Image image(Map<?, ?> request) {
        return MapService.image(request, MAX_IMAGE_PIXELS);
    }

    /** @return the request's {@code text}, a string (its content is checked by {@link FusionTokens#request}) */
    static String text(Map<?, ?> request) {
        Object value = request.get("text");
        if (!(value instanceof String s)) {
            throw StoaException.badInput(
                    "text",
                    value == null
                            ? "is missing; send a caption such as 'two red circles'"
                            : "must be a string, not " + value.getClass().getSimpleName());
        }
        return s;
    }

    /** @return the request's {@code top} (default 5), 1 to {@link FusionInference#MAX_TOP} */
    static int top(Map<?, ?> request) {
        Object value = request.get("top");
        if (value == null) {
            return 5;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            int top = n.intValue();
            if (top >= 1 && top <= FusionInference.MAX_TOP) {
                return top;
            }
        }
        throw StoaException.badInput(
                "top", "is " + value + "; send a whole number from 1 to " + FusionInference.MAX_TOP);
    }
}
