package dev.stoa.train.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A training file ({@code etc/train/*.yaml}), validated completely on read: every error names the file, the field
 * and the fix. Layout:
 *
 * <pre>
 * name: clip-shapes                 # run folder data/train/&lt;name&gt;/ (checkpoints, metrics.jsonl, report)
 * first_start: true                 # train in the background at start-up while the model store lacks the output
 * priority: 1                       # at start-up, higher goes first among files whose needs are met (default 0)
 * output: clip-tiny                 # model store id (default: what the model says, e.g. clip-&lt;variant&gt;)
 * needs: [clip-tiny-scenes]         # model store ids this run reads; it waits until the store has them
 * model:   {id: clip, variant: tiny} # a TrainableModelFactory by stoa.id; the other keys are its options
 * loss:    {id: clip, options: {}}   # a LossFactory by stoa.id
 * dataset: {id: shapes, options: {seed: 0}} # a DatasetFactory by stoa.id
 * train:
 *   seed: 42                        # parameters, data order and caption choice all follow it
 *   steps: 3000
 *   batch_size: 128
 *   lr: 1.0e-3                      # peak learning rate, after warm-up
 *   warmup_steps: 200               # linear warm-up from 0
 *   min_lr: 0.0                     # cosine decay ends here
 *   weight_decay: 0.1               # AdamW, decoupled; not on biases, norms and scalars
 *   beta1: 0.9
 *   beta2: 0.98
 *   eps: 1.0e-6
 *   grad_clip_norm: 1.0             # global L2 norm; 0 turns clipping off
 *   log_every: 10
 *   checkpoint_every: 250
 * evaluate:                         # handed to the model's evaluate(), plus:
 *   every: 500                      # steps between evaluations (and at the end)
 *   stop_when: {metric: zero_shot_top1/test, at_least: 0.95}   # optional early stop
 * </pre>
 *
 * @param file where it was read from
 * @param name the run's name
 * @param firstStart whether to train it at start-up when its output is missing
 * @param priority at start-up, files with a higher one are queued first among those whose needs are met
 * @param output the model store id, or null for the model's own
 * @param needs the model store ids the run reads (a frozen encoder, a pretrained decoder), each with its line
 * @param modelId the model factory's stoa.id
 * @param modelOptions its options
 * @param lossId the loss factory's stoa.id
 * @param lossOptions its options
 * @param datasetId the dataset factory's stoa.id
 * @param datasetOptions its options
 * @param train the optimisation settings
 * @param evaluateEvery steps between evaluations
 * @param stopMetric metric that ends training early when reached, or null
 * @param stopAtLeast its threshold
 * @param evaluateOptions the evaluate section, for the model
 */
record TrainingFile(
        Path file,
        String name,
        boolean firstStart,
        int priority,
        String output,
        List<Need> needs,
        String modelId,
        Map<String, Object> modelOptions,
        String lossId,
        Map<String, Object> lossOptions,
        String datasetId,
        Map<String, Object> datasetOptions,
        Settings train,
        int evaluateEvery,
        String stopMetric,
        double stopAtLeast,
        Map<String, Object> evaluateOptions) {

    private static final Set<String> TOP = Set.of(
            "name",
            "first_start",
            "priority",
            "output",
            "needs",
            "model",
            "loss",
            "dataset",
            "train",
            "evaluate",
            "description");
    private static final String MODEL_ID = "[a-z0-9][a-z0-9._-]*";

    /**
     * One entry of {@code needs:}.
     *
     * @param modelId the model store id the run reads
     * @param line where the entry stands in the file (1-based), for errors about it
     */
    record Need(String modelId, int line) {}

    /** @return {@code file:line}, where a message about {@code need} should point */
    String where(Need need) {
        return file + ":" + need.line();
    }

    /**
     * The optimisation settings.
     *
     * @param seed the run's seed
     * @param steps optimizer steps
     * @param batchSize examples per step
     * @param lr peak learning rate
     * @param warmupSteps linear warm-up steps
     * @param minLr the learning rate cosine decay ends at
     * @param weightDecay AdamW's decoupled weight decay
     * @param beta1 AdamW's first-moment decay
     * @param beta2 AdamW's second-moment decay
     * @param eps AdamW's epsilon
     * @param gradClipNorm global L2 norm bound, 0 for none
     * @param logEvery steps between metric lines
     * @param checkpointEvery steps between checkpoints
     */
    record Settings(
            long seed,
            int steps,
            int batchSize,
            double lr,
            int warmupSteps,
            double minLr,
            double weightDecay,
            double beta1,
            double beta2,
            double eps,
            double gradClipNorm,
            int logEvery,
            int checkpointEvery) {}

    /**
     * @return what a checkpoint of this file's run must match to be resumed: the model, loss and dataset with their
     *     options, the seed and the batch size (not the step count or the schedule, which may change between tries)
     */
    String fingerprint() {
        return "model=" + modelId + modelOptions + " loss=" + lossId + lossOptions + " dataset=" + datasetId
                + datasetOptions + " seed=" + train.seed() + " batch=" + train.batchSize();
    }

    /**
     * @param file a training file
     * @return it, validated
     * @throws StoaException {@code BAD_CONFIG} naming the file, field and fix
     */
    static TrainingFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    file + ": cannot be read (" + e.getMessage()
                            + "); give the path of a training file, e.g. etc/train/clip-shapes.yaml");
        }
        return parse(file, text);
    }

    static TrainingFile parse(Path file, String text) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new StoaException(FailureCode.BAD_CONFIG, file + ": is not valid YAML: " + e.getMessage());
        }
        Fields top = new Fields(file, "", map(file, "(top level)", root));
        top.onlyKeys(TOP);
        List<Need> needs = needs(file, text, top);
        String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = top.string("name", stem);
        if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
            throw top.error("name", "is '" + name + "'; use lower-case letters, digits, '.', '_' or '-'");
        }
        Fields model = top.section("model", true);
        Map<String, Object> modelOptions = new LinkedHashMap<>(model.values);
        modelOptions.remove("id");
        Fields loss = top.section("loss", true);
        loss.onlyKeys(Set.of("id", "options"));
        Fields dataset = top.section("dataset", true);
        dataset.onlyKeys(Set.of("id", "options"));
        Fields train = top.section("train", true);
        train.onlyKeys(Set.of(
                "seed",
                "steps",
                "batch_size",
                "lr",
                "warmup_steps",
                "min_lr",
                "weight_decay",
                "beta1",
                "beta2",
                "eps",
                "grad_clip_norm",
                "log_every",
                "checkpoint_every"));
        int steps = train.integer("steps", null, 1);
        Settings settings = new Settings(
                train.integer("seed", 42, 0),
                steps,
                train.integer("batch_size", null, 1),
                train.number("lr", 1e-3, 0, 10),
                train.integer("warmup_steps", 0, 0),
                train.number("min_lr", 0.0, 0, 10),
                train.number("weight_decay", 0.1, 0, 10),
                train.number("beta1", 0.9, 0, 0.999999),
                train.number("beta2", 0.999, 0, 0.999999),
                train.number("eps", 1e-8, 1e-12, 1),
                train.number("grad_clip_norm", 1.0, 0, 1e6),
                train.integer("log_every", 10, 1),
                train.integer("checkpoint_every", Math.max(1, steps / 10), 1));
        if (settings.warmupSteps() >= steps) {
            throw train.error(
                    "warmup_steps",
                    "is " + settings.warmupSteps() + " but steps is " + steps + "; make warm-up shorter than the run");
        }
        Fields evaluate = top.section("evaluate", false);
        Map<String, Object> evaluateOptions = new LinkedHashMap<>(evaluate.values);
        evaluateOptions.remove("every");
        evaluateOptions.remove("stop_when");
        int every = evaluate.integer("every", steps, 1);
        String stopMetric = null;
        double stopAtLeast = Double.NaN;
        if (evaluate.values.containsKey("stop_when")) {
            Fields stop = evaluate.section("stop_when", true);
            stop.onlyKeys(Set.of("metric", "at_least"));
            stopMetric = stop.string("metric", null);
            stopAtLeast = stop.number("at_least", null, -1e9, 1e9);
        }
        return new TrainingFile(
                file,
                name,
                top.bool("first_start", false),
                top.integer("priority", 0, 0),
                top.string("output", null),
                needs,
                model.string("id", null),
                modelOptions,
                loss.string("id", null),
                loss.section("options", false).values,
                dataset.string("id", null),
                dataset.section("options", false).values,
                settings,
                every,
                stopMetric,
                stopAtLeast,
                evaluateOptions);
    }

    /**
     * Reads {@code needs:} (a list of model store ids, or one id) with each entry's line, which the loaded values do
     * not keep: the same text is composed once more into SnakeYAML's node tree, whose marks carry the lines.
     */
    private static List<Need> needs(Path file, String text, Fields top) {
        Object value = top.values.get("needs");
        if (value == null) {
            return List.of();
        }
        List<?> ids = value instanceof List<?> l ? l : List.of(value);
        List<Integer> lines = needLines(text);
        List<Need> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Object id = ids.get(i);
            int line = i < lines.size() ? lines.get(i) : 0;
            if (!(id instanceof String s) || !s.trim().matches(MODEL_ID)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        file + ":" + line + ": needs has '" + id + "'; list"
                                + " model store ids, e.g. needs: [clip-tiny-scenes]");
            }
            if (out.stream().anyMatch(n -> n.modelId().equals(s.trim()))) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        file + ":" + line + ": needs lists '" + s.trim() + "' twice; list it once");
            }
            out.add(new Need(s.trim(), line));
        }
        return List.copyOf(out);
    }

    /** @return the 1-based line of each entry of the top-level {@code needs}, in order */
    private static List<Integer> needLines(String text) {
        Node root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        List<Integer> lines = new ArrayList<>();
        if (root instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode key
                        && key.getValue().equals("needs")) {
                    Node value = entry.getValueNode();
                    if (value instanceof SequenceNode sequence) {
                        sequence.getValue()
                                .forEach(item -> lines.add(item.getStartMark().getLine() + 1));
                    } else {
                        lines.add(value.getStartMark().getLine() + 1);
                    }
                }
            }
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Path file, String field, Object value) {
        if (value == null) {
            return new LinkedHashMap<>();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    file + ": " + field + " must be a mapping (key: value" + " lines), not "
                            + value.getClass().getSimpleName());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** One mapping of the file, with typed, checked reads that name the field on error. */
    private static final class Fields {
        private final Path file;
        private final String path;
        private final Map<String, Object> values;

        Fields(Path file, String path, Map<String, Object> values) {
            this.file = file;
            this.path = path;
            this.values = values;
        }

        StoaException error(String key, String problem) {
            return new StoaException(FailureCode.BAD_CONFIG, file + ": " + path + key + " " + problem);
        }

        void onlyKeys(Set<String> known) {
            for (String key : values.keySet()) {
                if (!known.contains(key)) {
                    throw error(
                            key,
                            "is not a known field; use one of "
                                    + known.stream().sorted().toList());
                }
            }
        }

        Fields section(String key, boolean required) {
            Object v = values.get(key);
            if (v == null && required) {
                throw error(key, "is missing; add the section (see etc/train/clip-shapes.yaml)");
            }
            return new Fields(file, path + key + ".", map(file, path + key, v));
        }

        String string(String key, String fallback) {
            Object v = values.get(key);
            if (v == null) {
                if (fallback == null) {
                    throw error(key, "is missing; set it");
                }
                return fallback;
            }
            if (v instanceof Map || v instanceof List) {
                throw error(key, "must be a single value, not a " + (v instanceof Map ? "mapping" : "list"));
            }
            return v.toString().trim();
        }

        boolean bool(String key, boolean fallback) {
            Object v = values.get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw error(key, "is '" + v + "'; use true or false");
        }

        int integer(String key, Integer fallback, long min) {
            Object v = values.get(key);
            if (v == null) {
                if (fallback == null) {
                    throw error(key, "is missing; set a whole number of at least " + min);
                }
                return fallback;
            }
            try {
                long n = v instanceof Number num && !(v instanceof Double || v instanceof Float)
                        ? num.longValue()
                        : Long.parseLong(v.toString().trim());
                if (n >= min && n <= Integer.MAX_VALUE) {
                    return (int) n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(key, "is '" + v + "'; use a whole number of at least " + min);
        }

        double number(String key, Double fallback, double min, double max) {
            Object v = values.get(key);
            if (v == null) {
                if (fallback == null) {
                    throw error(key, "is missing; set a number from " + min + " to " + max);
                }
                return fallback;
            }
            try {
                double d = v instanceof Number num
                        ? num.doubleValue()
                        : Double.parseDouble(v.toString().trim());
                if (d >= min && d <= max) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(key, "is '" + v + "'; use a number from " + min + " to " + max);
        }
    }
}
