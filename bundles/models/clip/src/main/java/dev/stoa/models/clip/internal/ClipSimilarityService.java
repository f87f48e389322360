package dev.stoa.models.clip.internal;

import dev.stoa.api.MapService;
import dev.stoa.nn.eval.ZeroShotRequests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image-text similarity over the bus, {@code stoa.id=clip-<variant>-similarity}. Request
 * {@code {"image": "<base64 PNG/JPEG>", "texts": ["a red circle", ...]}}; answer
 * {@code {"similarities": [0.21, ...], "model": "clip-tiny", "trained": true}}, the cosine of the image's and each
 * text's embedding, in the order of the texts.
 */
final class ClipSimilarityService implements MapService {

    private final ClipEncoders clip;

    /**
     * @param clip the model
     */
    ClipSimilarityService(ClipEncoders clip) {
        this.clip = clip;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        float[] cosines =
                clip.similarity(ZeroShotRequests.image(request), ZeroShotRequests.strings(request, "texts", null));
        List<Double> similarities = new ArrayList<>(cosines.length);
        for (float c : cosines) {
            similarities.add((double) c);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("similarities", similarities);
        out.put("model", clip.variant().id());
        out.put("trained", clip.trained());
        return out;
    }
}
