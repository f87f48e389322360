package dev.stoa.vqa.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.dataset.DatasetFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code vqa-eval-set}: the synthetic VQA evaluation set over the bus and HTTP, for {@code bin/stoa eval-vqa} and
 * anyone comparing pipelines. In {@code {"n": 200, "seed": 0, "image_size": 96}} (all optional), out
 * {@code {"items": [{"id", "type", "question", "answer", "image": base64 PNG}, ...]}}. With {@code "answers": {id:
 * text}} added (and the same n, seed and image size) it scores them instead ({@link VqaScore}): accuracy per question
 * type and overall, and the first wrong answers.
 */
@Component(
        service = StoaService.class,
        property = {"stoa.id=vqa-eval-set", "stoa.kind=service", "stoa.version=1.0.0"})
public final class VqaEvalSetService implements MapService {

    private final DatasetFactory shapes;

    /** @param shapes the shapes dataset */
    @Activate
    public VqaEvalSetService(@Reference(target = "(stoa.id=shapes)") DatasetFactory shapes) {
        this.shapes = shapes;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> input) {
        int n = (int) number(input, "n", 200);
        long seed = number(input, "seed", 0);
        int imageSize = (int) number(input, "image_size", 96);
        List<VqaEvalSet.Item> set = VqaEvalSet.make(shapes, n, seed, imageSize);
        Object answers = input.get("answers");
        if (answers != null) {
            return VqaScore.score(set, answers(answers));
        }
        List<Object> items = new ArrayList<>();
        set.forEach(i -> items.add(VqaEvalSet.json(i)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        return out;
    }

    /**
     * The answers object: a {@link Map}, or (as the gateway hands nested JSON objects over, Vert.x's JsonObject) an
     * {@link Iterable} of map entries, read without depending on Vert.x.
     */
    static Map<String, Object> answers(Object answers) {
        Map<String, Object> given = new LinkedHashMap<>();
        if (answers instanceof Map<?, ?> byId) {
            byId.forEach((k, v) -> given.put(String.valueOf(k), v));
            return given;
        }
        if (answers instanceof Iterable<?> entries) {
            boolean allEntries = true;
            for (Object e : entries) {
                if (e instanceof Map.Entry<?, ?> entry) {
                    given.put(String.valueOf(entry.getKey()), entry.getValue());
                } else {
                    allEntries = false;
                }
            }
            if (allEntries) {
                return given;
            }
        }
        throw StoaException.badInput("answers", "is not an object; send {\"<item id>\": \"<answer>\", ...}");
    }

    private static long number(Map<String, Object> input, String field, long fallback) {
        Object v = input.get(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            return num.longValue();
        }
        throw StoaException.badInput(field, "is " + v + "; send a whole number");
    }
}
