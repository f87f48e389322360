package dev.stoa.models.clip.internal;

import dev.stoa.api.MapService;
import dev.stoa.nn.eval.ZeroShotRequests;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero-shot classification over the bus, {@code stoa.id=clip-<variant>-zero-shot}. Request
 * {@code {"image": "<base64 PNG/JPEG>", "labels": ["cat", "dog"], "templates": ["a photo of a {}."]}}
 * ({@code templates} optional; a trained model without {@code labels} uses the classes it was trained on,
 * with its dataset's templates); answer {@code {"label": "cat", "scores": {"cat": 0.7, "dog": 0.3}, "model":
 * "clip-tiny", "trained": true}}: the scores are softmax probabilities in the order of the labels, summing to 1.
 * The platform serves only trained versions ({@code "trained": true}); {@code false} appears only where the class is
 * used directly on random weights, as the tests do.
 */
final class ClipZeroShotService implements MapService {

    /** CLIP's single default prompt (paper, section 3.1.4), used when a request sends no templates. */
    private final ClipEncoders clip;

    /**
     * @param clip the model
     */
    ClipZeroShotService(ClipEncoders clip) {
        this.clip = clip;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        Map<String, Float> scores = clip.classify(
                ZeroShotRequests.image(request),
                ZeroShotRequests.labels(request, clip.classes()),
                ZeroShotRequests.templates(request, clip.templates()));
        String best = null;
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Double> shown = new LinkedHashMap<>();
        for (Map.Entry<String, Float> e : scores.entrySet()) {
            shown.put(e.getKey(), e.getValue().doubleValue());
            if (best == null || e.getValue() > scores.get(best)) {
                best = e.getKey();
            }
        }
        out.put("label", best);
        out.put("scores", shown);
        out.put("model", clip.variant().id());
        out.put("trained", clip.trained());
        return out;
    }
}
