package dev.stoa.datasets.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A dataset of files already indexed into {@link ImageRecord}s: the folder, WebDataset and COCO datasets. Each record
 * goes to the split its data names, or else to {@code test} or {@code train} by a stable hash of its id, so adding
 * files never moves the others between splits.
 */
final class RecordDataset implements Dataset {

    /** CLIP-style zero-shot prompts, the first few of CLIP's ImageNet templates. */
    static final List<String> PROMPTS = List.of(
            "a photo of a {}.",
            "a bad photo of a {}.",
            "a photo of the {}.",
            "a close-up photo of a {}.",
            "a drawing of a {}.");

    private final String datasetId;
    private final Map<String, RecordSplit> splits;
    private final List<String> labels;
    private final Map<String, Object> facts;
    private final Closeable resources;

    private RecordDataset(
            String datasetId, Map<String, RecordSplit> splits, Map<String, Object> facts, Closeable resources) {
        this.datasetId = datasetId;
        this.splits = splits;
        this.facts = facts;
        this.resources = resources;
        TreeSet<String> names = new TreeSet<>();
        splits.values()
                .forEach(s -> s.labels().stream().filter(Objects::nonNull).forEach(names::add));
        this.labels = List.copyOf(names);
    }

    @Override
    public List<String> splits() {
        return List.copyOf(splits.keySet());
    }

    @Override
    public Split split(String name) {
        RecordSplit s = splits.get(name);
        if (s == null) {
            throw StoaException.badInput(
                    "split", "dataset '" + datasetId + "' has no split '" + name + "'; use one of " + splits.keySet());
        }
        return s;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public List<String> promptTemplates() {
        return PROMPTS;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", datasetId);
        d.putAll(facts);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        Map<String, Long> skipped = new LinkedHashMap<>();
        splits.forEach((name, s) -> {
            sizes.put(name, s.size());
            skipped.put(name, s.skipped());
        });
        d.put("splits", sizes);
        d.put("labels", labels.size());
        d.put("skipped", skipped);
        return d;
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (IOException e) {
            throw new UncheckedIOException("dataset '" + datasetId + "': closing its files failed", e);
        }
    }

    /** Collects records into splits. */
    static final class Builder {

        static final String ON_ERROR = "on_error";
        static final String TEST_FRACTION = "test_fraction";

        private final String datasetId;
        private final boolean failOnError;
        private final double testFraction;
        private final Map<String, List<ImageRecord>> bySplit = new LinkedHashMap<>();
        private final Map<String, Object> facts = new LinkedHashMap<>();

        /**
         * @param datasetId the factory's id
         * @param options the options, with {@code on_error} and {@code test_fraction} among them
         */
        Builder(String datasetId, DatasetOptions options) {
            this.datasetId = datasetId;
            this.failOnError = options.choice(ON_ERROR, "skip", "fail").equals("fail");
            this.testFraction = options.number(TEST_FRACTION, 0, 1);
            bySplit.put("train", new ArrayList<>());
            bySplit.put("test", new ArrayList<>());
            facts.put("options", options.effective());
        }

        /** The options every file-based dataset shares, with their defaults, added to {@code defaults}. */
        static Map<String, Object> commonDefaults(Map<String, Object> defaults) {
            defaults.put(ON_ERROR, "skip");
            defaults.put(TEST_FRACTION, 0.1);
            return defaults;
        }

        /**
         * @param record the example
         * @param split the split its data names, or null for the hash split
         */
        void add(ImageRecord record, String split) {
            String name = split != null ? split : StableHash.unit(record.id()) < testFraction ? "test" : "train";
            bySplit.computeIfAbsent(name, k -> new ArrayList<>()).add(record);
        }

        /** Records a fact for {@link Dataset#describe()}, e.g. how many samples had no caption. */
        void fact(String key, Object value) {
            facts.put(key, value);
        }

        RecordDataset build(Closeable resources) {
            Map<String, RecordSplit> splits = new LinkedHashMap<>();
            bySplit.forEach(
                    (name, records) -> splits.put(name, new RecordSplit(datasetId, name, records, failOnError)));
            return new RecordDataset(datasetId, splits, facts, resources);
        }
    }
}
