package dev.stoa.models.merlot.internal;

import dev.stoa.api.MapService;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frame ordering, {@code stoa.id=merlot-<v>-order}: MERLOT's temporal reordering. Request {@code {"frames": ["<b64>",
 * ...]}} (exactly F frames, any order); answer {@code {"order": [2, 0, 1, 3], "model": "merlot-tiny"}}: {@code
 * order[k]} is the input index of the k-th frame in time, decoded from the pairwise scores of every frame pair.
 */
final class OrderService implements MapService {

    private final MerlotInference model;

    OrderService(MerlotInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        int[] order = model.order(MerlotRequests.frames(request, model.config().frames()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("order", Arrays.stream(order).boxed().toList());
        out.put("model", model.modelId());
        return out;
    }
}
