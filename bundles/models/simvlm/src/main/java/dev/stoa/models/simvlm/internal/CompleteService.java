package dev.stoa.models.simvlm.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prefix completion over the bus, {@code stoa.id=simvlm-<v>-complete}: the encoder reads the image and the text as
 * the prefix, the decoder writes the rest greedily. Request {@code {"image": "<base64 PNG/JPEG>", "text": "two red"}};
 * answer {@code {"text": " circles", "model": "simvlm-tiny"}}: the continuation only, with a leading space when it is
 * not empty. Words outside the model's vocabulary read as unknown.
 */
final class CompleteService implements MapService {

    /** An image sent as base64 is decoded subsampled to at most this many pixels: the model reads 32-64 px. */
    static final long MAX_IMAGE_PIXELS = 1024L * 1024L;

    private final SimVlmInference model;

    CompleteService(SimVlmInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        Object value = request.get("text");
        if (!(value instanceof String text)) {
            throw StoaException.badInput(
                    "text",
                    value == null
                            ? "is missing; send the start of a caption such as 'two red'"
                            : "must be a string, not " + value.getClass().getSimpleName());
        }
        String rest = model.complete(MapService.image(request, MAX_IMAGE_PIXELS), text);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", rest.isEmpty() ? "" : " " + rest);
        out.put("model", model.modelId());
        return out;
    }
}
