package dev.stoa.models.sam.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Segment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sam-<v>-segment}: promptable segmentation. Request {@code {"image": "<base64 PNG/JPEG>", "points": [[x, y],
 * ...], "point_labels": [1, 0, ...], "box": [x0, y0, x1, y1], "mask": "<base64 PNG>", "multimask": true}} (points or
 * box or both; labels default to 1; coordinates in the image's own pixels; {@code mask}, SAM's {@code mask_input}, a
 * coarse mask of the object, e.g. a previous answer's mask to refine, with a point or box, {@link SamRequests});
 * answer {@code {"masks": [segment, ...], "model": "sam-tiny"}}, the M masks (or with {@code multimask: false} the
 * best one) at the image's size, highest predicted IoU first, each a segment's JSON ({@link SegmentJson}).
 */
final class SamSegmentService implements MapService {

    private final SamInference model;

    SamSegmentService(SamInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        Image image = SamRequests.image(request);
        SamPrompt prompt = SamRequests.prompt(request, image, model.config().maskSize());
        boolean multimask = SamRequests.flag(request, "multimask", true);
        List<Segment> masks = model.segment(image, prompt, multimask);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("masks", SegmentJson.of(masks));
        out.put("model", model.modelId());
        return out;
    }
}
