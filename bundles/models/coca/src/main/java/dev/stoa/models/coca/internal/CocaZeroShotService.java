package dev.stoa.models.coca.internal;

import dev.stoa.api.MapService;
import dev.stoa.nn.eval.ZeroShotRequests;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero-shot classification over the bus, {@code stoa.id=coca-<v>-zero-shot}, the JSON of {@code clip-tiny-zero-shot}:
 * request {@code {"image": "<base64 PNG/JPEG>", "labels": ["red circle", ...], "templates": ["a photo of a {}."]}}
 * ({@code templates} optional; without {@code labels} the classes it was trained on, with its dataset's templates);
 * answer {@code {"label": "red circle", "scores": {"red circle": 0.9, ...}, "model": "coca-tiny", "trained": true}},
 * softmax probabilities over the learned logit scale times the cosines of CoCa's contrastive embeddings.
 */
final class CocaZeroShotService implements MapService {

    /** CLIP's single default prompt, used when a request sends no templates and the model has none. */
    private final CocaInference model;

    CocaZeroShotService(CocaInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        Map<String, Float> scores = model.classify(
                ZeroShotRequests.image(request),
                ZeroShotRequests.labels(request, model.classes()),
                ZeroShotRequests.templates(request, model.templates()));
        String best = null;
        Map<String, Double> shown = new LinkedHashMap<>();
        for (Map.Entry<String, Float> e : scores.entrySet()) {
            shown.put(e.getKey(), e.getValue().doubleValue());
            if (best == null || e.getValue() > scores.get(best)) {
                best = e.getKey();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("label", best);
        out.put("scores", shown);
        out.put("model", model.modelId());
        out.put("trained", true);
        return out;
    }
}
