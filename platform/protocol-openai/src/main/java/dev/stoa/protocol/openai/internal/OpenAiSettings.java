package dev.stoa.protocol.openai.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of PID {@code dev.stoa.openai} ({@code etc/dev.stoa.openai.cfg}):
 *
 * <pre>
 * exposeAll = true                               # every TextEncoder and TextGenerator also under its own id
 * callTimeoutMs = 60000                          # longest wait for a service's answer
 * maxBodyBytes = 16777216                        # largest request body (413 beyond)
 * model.&lt;name&gt; = service:&lt;id&gt;                 # a TextEncoder (embeddings) or TextGenerator (completions)
 * model.&lt;name&gt; = pipeline:&lt;pipeline&gt;           # a pipeline, as a chat model
 * model.&lt;name&gt;.text = question                  # pipeline input field that gets the messages' text
 * model.&lt;name&gt;.image = image                    # pipeline input field that gets the image (base64)
 * model.&lt;name&gt;.output = text                    # field of the pipeline's answer that is the reply
 * model.&lt;name&gt;.dimensions = 128, 256           # shorter lengths an embeddings model may be cut to
 * </pre>
 *
 * A bad entry is reported in {@link #problems()} (and logged) and left out; the others apply.
 *
 * @param exposeAll whether every text encoder and generator is a model under its own id as well
 * @param callTimeoutMs the bus send timeout of each call
 * @param maxBodyBytes the largest request body
 * @param models the configured names, in the order of their names
 * @param problems what was wrong with the entries left out, each naming the key and the fix
 */
record OpenAiSettings(
        boolean exposeAll,
        long callTimeoutMs,
        long maxBodyBytes,
        Map<String, ExposedModel> models,
        List<String> problems) {

    static final String PID = "dev.stoa.openai";
    private static final String PREFIX = "model.";
    private static final Set<String> OPTIONS = Set.of("text", "image", "output", "dimensions");
    private static final Set<String> KNOWN = Set.of("exposeAll", "callTimeoutMs", "maxBodyBytes");

    OpenAiSettings {
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        problems = List.copyOf(problems);
    }

    /**
     * @param properties the component's configuration (ConfigAdmin adds {@code service.pid} and similar keys, which
     *     are ignored)
     * @return the settings; bad entries are left out and named in {@link #problems()}
     */
    static OpenAiSettings parse(Map<String, ?> properties) {
        List<String> problems = new ArrayList<>();
        Map<String, String> targets = new TreeMap<>();
        Map<String, Map<String, String>> options = new TreeMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String value = String.valueOf(e.getValue()).trim();
            String rest = key.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String option = dot < 0 ? null : rest.substring(dot + 1);
            if (option != null && OPTIONS.contains(option) && properties.containsKey(PREFIX + rest.substring(0, dot))) {
                options.computeIfAbsent(rest.substring(0, dot), k -> new TreeMap<>())
                        .put(option, value);
            } else if (rest.isEmpty()) {
                problems.add("'" + key + "' names no model; write model.<name> = service:<id> or pipeline:<name>");
            } else {
                targets.put(rest, value);
            }
        }
        Map<String, ExposedModel> models = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : targets.entrySet()) {
            String name = t.getKey();
            String spec = t.getValue();
            Map<String, String> o = options.getOrDefault(name, Map.of());
            boolean pipeline;
            String target;
            if (spec.startsWith("service:")) {
                pipeline = false;
                target = spec.substring("service:".length()).trim();
            } else if (spec.startsWith("pipeline:")) {
                pipeline = true;
                target = spec.substring("pipeline:".length()).trim();
            } else {
                problems.add("'" + PREFIX + name + " = " + spec + "': the value must be service:<id> or"
                        + " pipeline:<name>, e.g. service:all-minilm-l6-v2");
                continue;
            }
            if (target.isEmpty()) {
                problems.add("'" + PREFIX + name + " = " + spec + "' names no " + (pipeline ? "pipeline" : "service")
                        + "; add its id after the colon");
                continue;
            }
            List<Integer> dimensions;
            try {
                dimensions = dimensions(o.get("dimensions"));
            } catch (IllegalArgumentException bad) {
                problems.add("'" + PREFIX + name + ".dimensions = " + o.get("dimensions") + "': " + bad.getMessage());
                continue;
            }
            models.put(
                    name,
                    new ExposedModel(
                            name,
                            pipeline,
                            target,
                            field(o, "text", ExposedModel.DEFAULT_TEXT_FIELD),
                            field(o, "image", ExposedModel.DEFAULT_IMAGE_FIELD),
                            field(o, "output", ExposedModel.DEFAULT_OUTPUT_FIELD),
                            dimensions));
        }
        for (String key : properties.keySet()) {
            if (!key.startsWith(PREFIX) && !KNOWN.contains(key) && !key.contains(".") && !key.equals("component")) {
                problems.add("'" + key + "' is not a setting of " + PID + "; the settings are " + KNOWN
                        + " and model.<name> entries");
            }
        }
        return new OpenAiSettings(
                bool(properties.get("exposeAll"), true),
                number(properties.get("callTimeoutMs"), 60_000, "callTimeoutMs", problems),
                number(properties.get("maxBodyBytes"), 16L * 1024 * 1024, "maxBodyBytes", problems),
                models,
                problems);
    }

    private static String field(Map<String, String> options, String option, String fallback) {
        String v = options.get(option);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static List<Integer> dimensions(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                int d = Integer.parseInt(part.trim());
                if (d < 1) {
                    throw new IllegalArgumentException("'" + part.trim() + "' is not a positive length");
                }
                out.add(d);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + part.trim() + "' is not a whole number; list lengths, e.g. 128, 256");
            }
        }
        return out;
    }

    private static boolean bool(Object value, boolean fallback) {
        return value == null
                ? fallback
                : Boolean.parseBoolean(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
    }

    private static long number(Object value, long fallback, String key, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(String.valueOf(value).trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(
                "'" + key + " = " + value + "' is not a positive whole number; the default " + fallback + " applies");
        return fallback;
    }
}
