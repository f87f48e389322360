package dev.stoa.models.sam.internal;

import dev.stoa.api.data.Segment;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Segment} as the JSON the bus writes for it ({@code dev.stoa.vertx.Payloads}): {@code {"mask": "<base64
 * PNG>", "rle": {"size": [H, W], "counts": [...], "order": "column-major"}, "box": [x0, y0, x1, y1], "score": s,
 * "area": n}}, built as plain maps and lists so that the answer of a JSON service carries it (SamServicesTest checks
 * that it equals Payloads' form).
 */
final class SegmentJson {

    private SegmentJson() {}

    static Map<String, Object> of(Segment s) {
        Map<String, Object> rle = new LinkedHashMap<>();
        rle.put("size", List.of(s.mask().height(), s.mask().width()));
        List<Integer> counts = new ArrayList<>();
        for (int c : s.mask().rleCounts()) {
            counts.add(c);
        }
        rle.put("counts", counts);
        rle.put("order", "column-major");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mask", Base64.getEncoder().encodeToString(s.mask().encodePng()));
        out.put("rle", rle);
        int[] b = s.box();
        out.put("box", List.of(b[0], b[1], b[2], b[3]));
        out.put("score", s.score());
        out.put("area", s.area());
        if (s.label() != null) {
            out.put("label", s.label());
        }
        return out;
    }

    static List<Map<String, Object>> of(List<Segment> segments) {
        return segments.stream().map(SegmentJson::of).toList();
    }
}
