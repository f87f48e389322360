package dev.stoa.models.fusion.internal;

import dev.stoa.api.MapService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Image-text matching over the bus, {@code stoa.id=<model>-<v>-match}: VisualBERT's sentence-image prediction, or
 * ViLBERT's alignment prediction.
 * Request {@code {"image": "<base64 PNG/JPEG>", "text": "two red circles"}}; answer
 * {@code {"score": 0.97, "matches": true, "model": "visualbert-tiny"}}, the score {@code softmax(S)[1]} of the
 * matching head (VisualBERT: on [CLS]; ViLBERT: on {@code h_IMG * h_CLS}), {@code matches} when it is above 0.5.
 */
final class MatchService implements MapService {

    private final FusionInference model;

    MatchService(FusionInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        double score = model.match(FusionRequests.image(request), FusionRequests.text(request));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("score", score);
        out.put("matches", score > 0.5);
        out.put("model", model.modelId());
        return out;
    }
}
