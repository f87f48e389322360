package dev.stoa.models.merlot.internal;

import dev.stoa.api.MapService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Clip question answering, {@code stoa.id=merlot-<v>-qa}. Request {@code {"frames": [...], "question": "what colour
 * is the shape at the end?"}} (frames in time order); answer {@code {"text": "blue", "probability": 0.93, "model":
 * "merlot-tiny"}}. The question is read as one of the clip questions ({@link ClipQuestion}) and answered by the
 * masked-word head over its statement ("it ends [MASK]"), among the words of its kind.
 */
final class QaService implements MapService {

    private final MerlotInference model;

    QaService(MerlotInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        String question = MerlotRequests.text(request, "question", "what colour is the shape at the end?");
        ClipQuestion kind = ClipQuestion.parse(question);
        MerlotInference.Answer a =
                model.answer(MerlotRequests.frames(request, model.config().frames()), kind);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", a.word());
        out.put("probability", a.probability());
        out.put("model", model.modelId());
        return out;
    }
}
