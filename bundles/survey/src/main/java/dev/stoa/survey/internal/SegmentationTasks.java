package dev.stoa.survey.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Mask;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Segmentation cells (SAM's row, issue 17), computed from a service over the benchmark's held-out scenes with their
 * exact masks (the {@code shapes} dataset's {@code masks: true}; the same scenes as the other tasks, whose images do
 * not depend on that option):
 *
 * <ul>
 *   <li>{@code segment} ({@code {"image", "points"} or {"image", "box"} -> {"masks": [{"mask": "<PNG>"}, ...]}}): for
 *       every shape one point (on the pixel farthest from its edge, the first in row order among equals) and,
 *       separately, its tight box; the first answered mask's IoU with the exact mask; {@code point} and {@code box}
 *       are the mean IoU over shapes;
 *   <li>{@code everything} ({@code {"image"} -> {"count"}}): the share of scenes where the count is the number of
 *       shapes.
 * </ul>
 */
final class SegmentationTasks {

    /** One scene: the request's image and each shape's exact mask. */
    record MaskedScene(String image, List<Mask> masks) {}

    private SegmentationTasks() {}

    /**
     * @param shapes the shapes dataset
     * @param options the rows file's {@code scenes} options (as {@link SurveyScenes#draw} reads them)
     * @param seed the benchmark's seed
     * @param n how many scenes
     * @return the first n scenes of the held-out split, with their masks
     */
    static List<MaskedScene> scenes(DatasetFactory shapes, Map<String, Object> options, long seed, int n) {
        Map<String, Object> o = new LinkedHashMap<>(SurveyScenes.DEFAULTS);
        o.putAll(options);
        String split = String.valueOf(o.remove("split"));
        o.remove("retrieval_split");
        o.put("seed", seed);
        o.put("masks", true);
        List<MaskedScene> out = new ArrayList<>();
        try (Dataset d = shapes.open(o)) {
            Dataset.Split data = d.split(split);
            for (int i = 0; i < data.size() && out.size() < n; i++) {
                Example e = data.get(i);
                List<Mask> masks = new ArrayList<>();
                String text = e.attributes().getOrDefault("masks", "");
                for (String part : text.isBlank() ? new String[0] : text.split(";")) {
                    String[] runs = part.substring(part.indexOf(':') + 1).trim().split(" ");
                    int[] counts = new int[runs.length];
                    for (int k = 0; k < runs.length; k++) {
                        counts[k] = Integer.parseInt(runs[k]);
                    }
                    masks.add(Mask.fromRle(e.image().width(), e.image().height(), counts));
                }
                out.add(new MaskedScene(
                        Base64.getEncoder().encodeToString(e.image().encodePng()), masks));
            }
        } catch (StoaException e) {
            throw e;
        } catch (Exception e) {
            throw new StoaException(FailureCode.INTERNAL, "the shapes dataset failed: " + e, e);
        }
        return out;
    }

    /** @return {@code point} and {@code box}: mean IoU over shapes of the first answered mask */
    static Cell segment(Calls calls, ExecutorService pool, String service, List<MaskedScene> scenes)
            throws InterruptedException {
        List<JsonObject> requests = new ArrayList<>();
        List<Mask> truths = new ArrayList<>();
        for (MaskedScene s : scenes) {
            for (Mask m : s.masks()) {
                int[] p = innermost(m);
                requests.add(new JsonObject()
                        .put("image", s.image())
                        .put(
                                "points",
                                new JsonArray().add(new JsonArray().add(p[0]).add(p[1])))
                        .put("multimask", true));
                truths.add(m);
            }
        }
        int shapes = requests.size();
        for (MaskedScene s : scenes) {
            for (Mask m : s.masks()) {
                int[] b = m.box();
                requests.add(new JsonObject()
                        .put("image", s.image())
                        .put(
                                "box",
                                new JsonArray().add(b[0]).add(b[1]).add(b[2]).add(b[3]))
                        .put("multimask", true));
            }
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        double point = 0;
        double box = 0;
        int failed = 0;
        String failure = null;
        for (int i = 0; i < answers.size(); i++) {
            Calls.Answer a = answers.get(i);
            double iou = 0;
            if (a.ok()) {
                iou = iou(first(a.json()), truths.get(i % shapes));
            } else {
                failed++;
                failure = failure == null
                        ? a.failure().code() + ": " + a.failure().getMessage()
                        : failure;
            }
            if (i < shapes) {
                point += iou;
            } else {
                box += iou;
            }
        }
        Map<String, Double> measures = new LinkedHashMap<>();
        measures.put("point", shapes == 0 ? Double.NaN : point / shapes);
        measures.put("box", shapes == 0 ? Double.NaN : box / shapes);
        return new Cell(measures, answers.size(), failed, failure);
    }

    /** @return {@code accuracy}: scenes whose answered count is the number of shapes */
    static Cell everything(Calls calls, ExecutorService pool, String service, List<MaskedScene> scenes)
            throws InterruptedException {
        List<JsonObject> requests = new ArrayList<>();
        for (MaskedScene s : scenes) {
            requests.add(new JsonObject().put("image", s.image()));
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        int right = 0;
        int failed = 0;
        String failure = null;
        for (int i = 0; i < answers.size(); i++) {
            Calls.Answer a = answers.get(i);
            if (a.ok()) {
                right += a.json().getValue("count") instanceof Number c
                                && c.intValue() == scenes.get(i).masks().size()
                        ? 1
                        : 0;
            } else {
                failed++;
                failure = failure == null
                        ? a.failure().code() + ": " + a.failure().getMessage()
                        : failure;
            }
        }
        return new Cell(
                Map.of("accuracy", answers.isEmpty() ? Double.NaN : (double) right / answers.size()),
                answers.size(),
                failed,
                failure);
    }

    /** @return the answer's first mask, decoded from its PNG, or null when there is none */
    static Mask first(JsonObject answer) {
        if (!(answer.getValue("masks") instanceof JsonArray masks) || masks.isEmpty()) {
            return null;
        }
        return Mask.decodePng(Base64.getDecoder().decode(masks.getJsonObject(0).getString("mask")));
    }

    /** @return the IoU of an answered mask with the exact one; 0 when there is none or its size differs */
    static double iou(Mask answered, Mask truth) {
        if (answered == null || answered.width() != truth.width() || answered.height() != truth.height()) {
            return 0;
        }
        int inter = 0;
        int union = 0;
        for (int i = 0; i < truth.bits().length; i++) {
            boolean p = answered.bits()[i] != 0;
            boolean q = truth.bits()[i] != 0;
            inter += p && q ? 1 : 0;
            union += p || q ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    /** @return {x, y} of the set pixel farthest (4-neighbour steps) from an unset pixel or the frame */
    static int[] innermost(Mask m) {
        int w = m.width();
        int h = m.height();
        int[] dist = new int[w * h];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < dist.length; i++) {
            dist[i] = m.bits()[i] != 0 ? Integer.MAX_VALUE : 0;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (dist[i] != 0
                        && (x == 0
                                || y == 0
                                || x == w - 1
                                || y == h - 1
                                || dist[i - 1] == 0
                                || dist[i + 1] == 0
                                || dist[i - w] == 0
                                || dist[i + w] == 0)) {
                    dist[i] = 1;
                    queue.add(i);
                }
            }
        }
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int x = i % w;
            int y = i / w;
            int[] next = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1};
            for (int j : next) {
                if (j >= 0 && dist[j] == Integer.MAX_VALUE) {
                    dist[j] = dist[i] + 1;
                    queue.add(j);
                }
            }
        }
        int best = 0;
        for (int i = 1; i < dist.length; i++) {
            if (dist[i] > dist[best]) {
                best = i;
            }
        }
        return new int[] {best % w, best / w};
    }
}
