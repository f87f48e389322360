package dev.stoa.models.fusion.internal;

import dev.stoa.api.MapService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Masked-word fill-in over the bus, {@code stoa.id=<model>-<v>-fill}: VisualBERT's (or ViLBERT's) masked words,
 * conditioned on the image. Request {@code {"image": "<base64>", "text": "two [MASK] circles", "top": 3}} ({@code top}
 * 1-20, default 5); answer {@code {"masks": [{"position": 1, "words": [{"word": "red", "probability": 0.94}, ...]}],
 * "model": "visualbert-tiny"}}, one entry per [MASK] in text order, {@code position} counting the text's words from
 * 0.
 */
final class FillMaskService implements MapService {

    private final FusionInference model;

    FillMaskService(FusionInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        List<FusionInference.Fill> fills =
                model.fill(FusionRequests.image(request), FusionRequests.text(request), FusionRequests.top(request));
        List<Map<String, Object>> masks = fills.stream()
                .map(f -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("position", f.position());
                    m.put(
                            "words",
                            f.words().stream()
                                    .map(c -> {
                                        Map<String, Object> w = new LinkedHashMap<>();
                                        w.put("word", c.word());
                                        w.put("probability", c.probability());
                                        return w;
                                    })
                                    .toList());
                    return m;
                })
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("masks", masks);
        out.put("model", model.modelId());
        return out;
    }
}
