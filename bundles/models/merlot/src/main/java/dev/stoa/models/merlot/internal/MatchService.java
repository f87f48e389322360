package dev.stoa.models.merlot.internal;

import dev.stoa.api.MapService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frame-transcript matching, {@code stoa.id=merlot-<v>-match}: MERLOT's contrastive embeddings. Request
 * {@code {"frames": [...], "text": "the circle turns blue"}} (frames in time order); answer {@code {"score": 0.91,
 * "frame": 2, "frame_scores": [...], "model": "merlot-tiny"}}: per frame {@code (1 + cos(f_k, t)) / 2}, the score
 * the best frame's, {@code frame} its index.
 */
final class MatchService implements MapService {

    private final MerlotInference model;

    MatchService(MerlotInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        String text = MerlotRequests.text(request, "text", "the circle turns blue");
        MerlotInference.Match m =
                model.match(MerlotRequests.frames(request, model.config().frames()), text);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("score", m.score());
        out.put("frame", m.frame());
        out.put("frame_scores", m.frameScores());
        out.put("model", model.modelId());
        return out;
    }
}
