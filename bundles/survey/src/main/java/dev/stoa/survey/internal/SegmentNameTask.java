package dev.stoa.survey.internal;

import dev.stoa.api.data.Mask;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The {@code segment_name} cell (issue 17's segment-and-name composition, {@code etc/pipelines/segment-and-name.yaml}):
 * a service or pipeline that finds and names every object, {@code {"image"} -> {"items": [{"label": "red circle",
 * "box": [x0, y0, x1, y1]}, ...], "count": n}}, on the benchmark's held-out scenes with their exact masks:
 *
 * <ul>
 *   <li>{@code count}: the share of scenes where {@code count} is the number of shapes;
 *   <li>{@code names}: the share of all shapes that an answered object matches and names right. Matching is by box:
 *       each shape's tight box (of its exact mask) against the answered boxes, pairs taken greedily by highest IoU,
 *       each answered object used once, a pair counted from IoU {@value #MATCH_IOU} (the detection benchmarks'
 *       threshold); the pair is right when the answered label is the scene's {@code "<colour> <shape>"}. A shape no
 *       answered box matches counts wrong, so {@code names} is at most the share of shapes found;
 *   <li>{@code found}: the share of shapes some answered box matches (whatever its label).
 * </ul>
 */
final class SegmentNameTask {

    /** The box IoU from which an answered object is the shape (PASCAL VOC's and COCO's AP50 threshold). */
    static final double MATCH_IOU = 0.5;

    private SegmentNameTask() {}

    /**
     * @param scenes the held-out scenes with their masks ({@link SegmentationTasks#scenes})
     * @param labelled the same scenes as the other tasks draw them ({@link SurveyScenes#draw}), for each one's label
     * @return {@code count}, {@code names} and {@code found}
     * @throws IllegalArgumentException when the two lists are not the same scenes
     */
    static Cell measure(
            Calls calls,
            ExecutorService pool,
            String service,
            List<SegmentationTasks.MaskedScene> scenes,
            List<Scene> labelled)
            throws InterruptedException {
        List<JsonObject> requests = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            if (i >= labelled.size()
                    || !scenes.get(i).image().equals(labelled.get(i).image())) {
                throw new IllegalArgumentException("scene " + i + " of the masked scenes is not the labelled one");
            }
            requests.add(new JsonObject().put("image", scenes.get(i).image()));
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        int countRight = 0;
        int shapes = 0;
        int named = 0;
        int found = 0;
        int failed = 0;
        String failure = null;
        for (int i = 0; i < answers.size(); i++) {
            List<Mask> truth = scenes.get(i).masks();
            shapes += truth.size();
            Calls.Answer a = answers.get(i);
            if (!a.ok()) {
                failed++;
                failure = failure == null
                        ? a.failure().code() + ": " + a.failure().getMessage()
                        : failure;
                continue;
            }
            if (a.json().getValue("count") instanceof Number c && c.intValue() == truth.size()) {
                countRight++;
            }
            List<int[]> truthBoxes = truth.stream().map(Mask::box).toList();
            List<Named> objects = objects(a.json());
            for (int[] pair : match(truthBoxes, objects.stream().map(Named::box).toList())) {
                found++;
                if (labelled.get(i).label().equals(objects.get(pair[1]).label())) {
                    named++;
                }
            }
        }
        Map<String, Double> measures = new LinkedHashMap<>();
        measures.put("count", answers.isEmpty() ? Double.NaN : (double) countRight / answers.size());
        measures.put("names", shapes == 0 ? Double.NaN : (double) named / shapes);
        measures.put("found", shapes == 0 ? Double.NaN : (double) found / shapes);
        return new Cell(measures, answers.size(), failed, failure);
    }

    /** An answered object: its label (null when it has none) and box. */
    record Named(String label, int[] box) {}

    /**
     * @return the answer's objects, from {@code items} (each {@code {"label", "box"}}); objects without a box of four
     *     numbers are left out (they cannot be matched)
     */
    static List<Named> objects(JsonObject answer) {
        List<Named> out = new ArrayList<>();
        if (!(answer.getValue("items") instanceof JsonArray items)) {
            return out;
        }
        for (Object o : items) {
            if (o instanceof JsonObject item
                    && item.getValue("box") instanceof JsonArray b
                    && b.size() == 4
                    && b.stream().allMatch(v -> v instanceof Number)) {
                int[] box = new int[4];
                for (int k = 0; k < 4; k++) {
                    box[k] = (int) Math.round(((Number) b.getValue(k)).doubleValue());
                }
                out.add(new Named(item.getValue("label") instanceof String s ? s : null, box));
            }
        }
        return out;
    }

    /**
     * Greedy one-to-one matching by box IoU, highest first, pairs from {@link #MATCH_IOU}.
     *
     * @return the pairs {@code {truth index, answered index}}
     */
    static List<int[]> match(List<int[]> truth, List<int[]> answered) {
        List<int[]> pairs = new ArrayList<>();
        boolean[] usedTruth = new boolean[truth.size()];
        boolean[] usedAnswer = new boolean[answered.size()];
        while (true) {
            double best = MATCH_IOU;
            int bt = -1;
            int ba = -1;
            for (int t = 0; t < truth.size(); t++) {
                for (int a = 0; a < answered.size(); a++) {
                    if (!usedTruth[t] && !usedAnswer[a]) {
                        double iou = boxIou(truth.get(t), answered.get(a));
                        if (iou >= best && (bt < 0 || iou > best)) {
                            best = iou;
                            bt = t;
                            ba = a;
                        }
                    }
                }
            }
            if (bt < 0) {
                return pairs;
            }
            usedTruth[bt] = true;
            usedAnswer[ba] = true;
            pairs.add(new int[] {bt, ba});
        }
    }

    /** @return the IoU of two boxes {@code [x0, y0, x1, y1]} in pixel edges; 0 when either is empty */
    static double boxIou(int[] p, int[] q) {
        long ix = Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0]));
        long iy = Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
        long inter = ix * iy;
        long union = area(p) + area(q) - inter;
        return union <= 0 ? 0 : (double) inter / union;
    }

    private static long area(int[] b) {
        return (long) Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
    }
}
