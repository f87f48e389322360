package dev.stoa.train.internal;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.train.TrainableModelFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Runs a training file outside OSGi with the trainer's own run: the file is read and checked by
 * {@link TrainingFile}, and trained, evaluated and published by {@link TrainingRun}, the code the trainer executes
 * for {@code bin/stoa train} and {@code POST /v1/trainings}. Only the lookup of the model, loss and dataset
 * services by {@code stoa.id} is the caller's (functions instead of the OSGi registry), and the run folder and model
 * store are the caller's folder. Shipped in this module's test jar, so a bundle's tests can run the training files
 * kept next to it (e.g. a short run of each that checks learning happens).
 */
public final class TrainingHarness {

    private TrainingHarness() {}

    /**
     * @param file a training file
     * @param overrides values that replace the file's, by dotted path (e.g. {@code train.steps} to 40); empty: the
     *     file as written
     * @param models the model factories by {@code stoa.id} (null when none)
     * @param losses the loss factories by {@code stoa.id}
     * @param datasets the dataset factories by {@code stoa.id}
     * @param home the folder that gets {@code models/} (the store) and {@code runs/<name>/} (the run folder)
     * @param listener told every status change, as the trainer's bus events are
     * @return the final status ({@code succeeded}, {@code failed} with the reason in its message)
     * @throws IOException when the file cannot be read
     */
    public static TrainingStatus run(
            Path file,
            Map<String, Object> overrides,
            Function<String, TrainableModelFactory> models,
            Function<String, LossFactory> losses,
            Function<String, DatasetFactory> datasets,
            Path home,
            Consumer<TrainingStatus> listener)
            throws IOException {
        String text = Files.readString(file);
        if (!overrides.isEmpty()) {
            text = override(text, overrides);
        }
        TrainingFile parsed = TrainingFile.parse(file, text);
        TrainingRun.Components components = new TrainingRun.Components() {
            @Override
            public TrainableModelFactory model(String id) {
                return models.apply(id);
            }

            @Override
            public LossFactory loss(String id) {
                return losses.apply(id);
            }

            @Override
            public DatasetFactory dataset(String id) {
                return datasets.apply(id);
            }
        };
        String id = parsed.name() + "-harness";
        return new TrainingRun(
                        id, parsed, components, new ModelStore(home.resolve("models")), home.resolve("runs"), listener)
                .run();
    }

    /**
     * A training file's benchmark: runs it in full (or with {@code -Dbench.overrides=train.steps=600,...}; a file
     * of its own with {@code -Dbench.file=...}) in {@code target/bench/<label>}, printing the metrics every 50 steps
     * and at the end the state, evaluation, wall and CPU seconds and the machine's load before and after (it is
     * shared: say the load with the numbers).
     *
     * @param label how the printed lines start, e.g. {@code coca-bench}
     * @param file the training file run unless {@code -Dbench.file} names another
     * @return the final status
     */
    public static TrainingStatus benchmark(
            String label,
            Path file,
            Function<String, TrainableModelFactory> models,
            Function<String, LossFactory> losses,
            Function<String, DatasetFactory> datasets)
            throws IOException {
        Path run = Path.of(System.getProperty("bench.file", file.toString()));
        Map<String, Object> overrides = overrides(System.getProperty("bench.overrides", ""));
        Path home = Path.of("target", "bench", label);
        deleteTree(home);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double load0 = os.getSystemLoadAverage();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long[] last = {-1};
        TrainingStatus end = run(run, overrides, models, losses, datasets, home, s -> {
            if (s.step() % 50 == 0 && s.step() != last[0]) {
                last[0] = s.step();
                System.out.printf(
                        "%s step %d %.0f s %s %s%n",
                        label, s.step(), (System.nanoTime() - t0) / 1e9, s.metrics(), s.evaluation());
            }
        });
        System.out.printf(
                "%s %s file=%s steps=%d wall_s=%.0f cpu_s=%.0f load=%.1f-%.1f cores=%d overrides=%s%n"
                        + "  evaluation=%s%n  message=%s%n",
                label,
                end.state(),
                run,
                end.step(),
                (System.nanoTime() - t0) / 1e9,
                (os.getProcessCpuTime() - cpu0) / 1e9,
                load0,
                os.getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(),
                overrides,
                end.evaluation(),
                end.message());
        return end;
    }

    /**
     * @param text dotted paths with values, {@code train.steps=600,evaluate.every=300} (blank: none)
     * @return them for {@link #run}, numbers as numbers
     */
    public static Map<String, Object> overrides(String text) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (String o : text.split(",")) {
            if (!o.isBlank()) {
                String[] kv = o.split("=", 2);
                overrides.put(kv[0].trim(), scalar(kv[1].trim()));
            }
        }
        return overrides;
    }

    private static Object scalar(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e2) {
                return value;
            }
        }
    }

    /** Deletes a folder and everything in it, if it is there (a run folder from an earlier run). */
    public static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static String override(String text, Map<String, Object> overrides) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Map<String, Object> root = new LinkedHashMap<>((Map<String, Object>) yaml.load(text));
        for (Map.Entry<String, Object> o : overrides.entrySet()) {
            String[] path = o.getKey().split("\\.");
            Map<String, Object> node = root;
            for (int k = 0; k < path.length - 1; k++) {
                Object child = node.get(path[k]);
                Map<String, Object> copy = child instanceof Map<?, ?> m
                        ? new LinkedHashMap<>((Map<String, Object>) m)
                        : new LinkedHashMap<>();
                node.put(path[k], copy);
                node = copy;
            }
            if (o.getValue() == null) {
                node.remove(path[path.length - 1]);
            } else {
                node.put(path[path.length - 1], o.getValue());
            }
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(root);
    }
}
