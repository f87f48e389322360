package dev.stoa.survey.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The benchmark's rows file ({@code etc/survey-benchmark.yaml}): which scenes, and per model (or pipeline) which of
 * its services do which task. The benchmark knows the tasks' contracts; the file only names services, so a new
 * model gets its row by configuration:
 *
 * <pre>
 * scenes: {split: test, image_size: 96, max_count: 3, text_probability: 0.5}
 * rows:
 *   - name: VisualBERT
 *     paper: Li et al. 2019
 *     models: [visualbert-tiny]            # their latest training report gives parameters, steps and time
 *     match: visualbert-tiny-match         # {"image", "text"} -> {"score"}
 *   - name: CLIP
 *     models: [clip-tiny-scenes]
 *     zero_shot: clip-tiny-scenes-zero-shot  # {"image", "labels"} -> {"label"}
 *     image: clip-tiny-scenes-image        # image -> {"embedding"}; with text: text-to-image retrieval
 *     text: clip-tiny-scenes-text          # {"text"} -> {"embedding"}
 * </pre>
 *
 * Other task keys: {@code caption} (a Captioner, {@code {"image"} -> {"text"}}), {@code vqa} (a pipeline or service
 * {@code {"image", "question"} -> {"text"}}), {@code order} ({@code {"frames"} -> {"order"}}) and {@code clip_qa}
 * ({@code {"frames", "question"} -> {"text"}}) on the clips of {@code clips:}; {@code draw} (a text-to-image service,
 * {@code {"text", "n", "seed"} -> {"images"}}, with the row's {@code draw_request} fields added to every request;
 * prompts and the CLIP judge from {@code drawn:}, {@link DrawTasks}).
 *
 * @param scenes the shapes options of the held-out scenes (seed added by the command)
 * @param clips the shapes-clips options of the held-out clips
 * @param drawn the drawing task's {@code clip} judge and the shapes options of its prompts
 * @param rows the rows, in order
 */
record SurveyRows(Map<String, Object> scenes, Map<String, Object> clips, Map<String, Object> drawn, List<Row> rows) {

    /** The keys a row may have, in the order the table shows the tasks. */
    static final List<String> ROW_KEYS = List.of(
            "name",
            "paper",
            "note",
            "models",
            "match",
            "caption",
            "zero_shot",
            "image",
            "text",
            "vqa",
            "order",
            "clip_qa",
            "segment",
            "everything",
            "segment_name",
            "draw",
            "draw_request");

    /**
     * One row.
     *
     * @param name what the table calls it
     * @param paper the paper, or empty
     * @param note a word on how it was set up, or empty
     * @param models the model ids whose training reports are summed into parameters, steps and time
     * @param services task key -> service id
     * @param drawRequest fields added to every request of the {@code draw} task (e.g. {@code guidance_scale: 3})
     */
    record Row(
            String name,
            String paper,
            String note,
            List<String> models,
            Map<String, String> services,
            Map<String, Object> drawRequest) {

        /** @return the service of a task, or null when the row does not do it */
        String service(String task) {
            return services.get(task);
        }
    }

    /**
     * @param text the file's text
     * @param file its name, for messages
     * @return the rows
     * @throws StoaException {@code BAD_CONFIG} naming the file, row and key with the fix
     */
    static SurveyRows parse(String text, String file) {
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw bad(file + " is not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw bad(file + ": expected a mapping with 'scenes', 'clips' and 'rows'");
        }
        for (Object k : top.keySet()) {
            if (!List.of("scenes", "clips", "drawn", "rows").contains(String.valueOf(k))) {
                throw bad(file + ": unknown key '" + k + "'; use scenes, clips, drawn and rows");
            }
        }
        Map<String, Object> scenes = options(top.get("scenes"), file, "scenes");
        Map<String, Object> clips = options(top.get("clips"), file, "clips");
        Map<String, Object> drawn = options(top.get("drawn"), file, "drawn");
        if (!(top.get("rows") instanceof List<?> list) || list.isEmpty()) {
            throw bad(file + ": 'rows' must be a list of rows, each with a 'name' and the services of its tasks");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            rows.add(row(list.get(i), file + " rows[" + i + "]"));
        }
        return new SurveyRows(scenes, clips, drawn, List.copyOf(rows));
    }

    private static Row row(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw bad(where + " is not a mapping; write '- name: ...' followed by the services of its tasks");
        }
        Map<String, String> services = new LinkedHashMap<>();
        List<String> models = new ArrayList<>();
        Map<String, Object> drawRequest = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!ROW_KEYS.contains(key)) {
                throw bad(where + ": unknown key '" + key + "'; use " + String.join(", ", ROW_KEYS));
            }
            if (key.equals("models")) {
                if (!(e.getValue() instanceof List<?> ids)) {
                    throw bad(where + ".models must be a list of model ids, e.g. [visualbert-tiny]");
                }
                ids.forEach(id -> models.add(String.valueOf(id)));
            } else if (key.equals("draw_request")) {
                // checked by the service itself, field by field; only the benchmark's own fields are refused here
                drawRequest.putAll(options(e.getValue(), where, key));
                DrawTasks.OWN_FIELDS.stream()
                        .filter(drawRequest::containsKey)
                        .findFirst()
                        .ifPresent(f -> {
                            throw bad(where + ".draw_request sets '" + f + "', which the benchmark sets per prompt;"
                                    + " remove it");
                        });
            } else if (!List.of("name", "paper", "note").contains(key)) {
                if (!(e.getValue() instanceof String id) || id.isBlank()) {
                    throw bad(where + "." + key + " must be a service id (a string)");
                }
                services.put(key, id.strip());
            }
        }
        if (!(m.get("name") instanceof String name) || name.isBlank()) {
            throw bad(where + " has no 'name'");
        }
        if (name.contains(",")) {
            throw bad(where + ".name '" + name + "' has a comma; --only separates row names with commas, so write the"
                    + " name without one (e.g. 'Socratic VQA with CoCa captions')");
        }
        if (services.containsKey("image") != services.containsKey("text")) {
            throw bad(where + ": retrieval needs both 'image' and 'text' services; give both or neither");
        }
        if (!drawRequest.isEmpty() && !services.containsKey("draw")) {
            throw bad(where + " has 'draw_request' but no 'draw' service; add 'draw: <model>-draw'");
        }
        if (services.isEmpty()) {
            throw bad(where + " ('" + name + "') names no service; give at least one of "
                    + String.join(", ", ROW_KEYS.subList(4, ROW_KEYS.size() - 1)));
        }
        return new Row(
                name.strip(),
                string(m.get("paper")),
                string(m.get("note")),
                List.copyOf(models),
                Map.copyOf(services),
                java.util.Collections.unmodifiableMap(drawRequest));
    }

    private static Map<String, Object> options(Object value, String file, String key) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw bad(file + ": '" + key + "' must be a mapping (of dataset options, or for draw_request of request"
                    + " fields, e.g. {guidance_scale: 3})");
        }
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String string(Object v) {
        return v == null ? "" : String.valueOf(v).strip();
    }

    private static StoaException bad(String message) {
        return new StoaException(FailureCode.BAD_CONFIG, message);
    }
}
