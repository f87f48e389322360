package dev.stoa.models.sam.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Segment;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sam-<v>-everything}: automatic mask generation ({@link SamEverything}). Request {@code {"image",
 * "points_per_side": 8, "iou_threshold": 0.7, "min_score": 0.5, "min_stability": 0.8, "crops": "none"}} (all but
 * the image optional); answer {@code {"masks": [segment, ...], "count": n, "model": "sam-tiny"}}, best score first,
 * masks at the image's size. With {@code "crops": "cutout"} or {@code "box"} each segment also carries its picture
 * as {@code "image"} (base64 PNG, {@link SegmentCrops}).
 */
final class SamEverythingService implements MapService {

    private final SamInference model;

    SamEverythingService(SamInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        Image image = SamRequests.image(request);
        SamEverything.Options d = SamEverything.Options.DEFAULTS;
        SamEverything.Options o = new SamEverything.Options(
                SamRequests.integer(request, "points_per_side", d.pointsPerSide(), 1, SamRequests.MAX_POINTS_PER_SIDE),
                SamRequests.number(request, "iou_threshold", d.iouThreshold(), 0, 1),
                SamRequests.number(request, "min_score", d.minScore(), 0, 1),
                SamRequests.number(request, "min_stability", d.minStability(), 0, 1),
                d.minArea());
        SegmentCrops.Form crops = SegmentCrops.Form.of(request.get("crops"));
        List<Segment> masks = model.everything(image, o);
        List<Map<String, Object>> json = SegmentJson.of(masks);
        if (crops != null) {
            // each segment also reads as an image ({"image": "<base64 PNG>", ...}), so a pipeline's map stage can
            // hand it to a service that takes an image, e.g. CLIP's zero-shot service
            List<Image> pictures = SegmentCrops.of(image, masks, crops);
            List<Map<String, Object>> withPictures = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                Map<String, Object> segment = new LinkedHashMap<>(json.get(i));
                segment.put(
                        "image",
                        Base64.getEncoder().encodeToString(pictures.get(i).encodePng()));
                withPictures.add(segment);
            }
            json = withPictures;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("masks", json);
        out.put("count", masks.size());
        out.put("model", model.modelId());
        return out;
    }
}
