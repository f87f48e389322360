package dev.stoa.models.clip.internal;

import dev.stoa.api.train.TrainingStatus;
import dev.stoa.train.internal.TrainingHarness;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the example training files on their full schedules, with the trainer's own run (skipped unless
 * {@code -Dexamples=} names the files, comma-separated, or is {@code all}):
 *
 * <pre>
 * mvn -o -B -pl bundles/models/clip -am verify -Dtest=ClipExampleRuns -Dexamples=align-clean,align-noisy \
 *     -Dsurefire.failIfNoSpecifiedTests=false -DskipITs
 * </pre>
 *
 * <p>{@code -Dexamples.overrides=train.seed=43,train.steps=1500} replaces fields of every file (numbers as numbers),
 * e.g. to repeat the runs with another seed.
 *
 * <p>Each run starts from a fresh run folder under {@code target/example-runs/runs/<name>/} (metrics.jsonl,
 * report.md, loss.png); one JSON line per run, with its evaluation, wall and CPU seconds and the load average
 * before and after, goes to {@code target/example-runs/summary.jsonl} and the standard output.
 */
class ClipExampleRuns {

    @Test
    @EnabledIfSystemProperty(named = "examples", matches = ".+")
    void trainTheNamedExampleFilesInFull() throws IOException {
        String wanted = System.getProperty("examples");
        // in the order named (the first named runs first), or all in file-name order
        List<Path> files = wanted.equals("all")
                ? ClipExamples.files()
                : Arrays.stream(wanted.split(","))
                        .map(n -> ClipExamples.FOLDER.resolve(n.trim() + ".yaml"))
                        .filter(Files::isRegularFile)
                        .toList();
        if (files.isEmpty()) {
            throw new IllegalArgumentException("-Dexamples=" + wanted + " names none of " + ClipExamples.files());
        }
        Map<String, Object> overrides = TrainingHarness.overrides(System.getProperty("examples.overrides", ""));
        Path home = Path.of("target", "example-runs");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (Path file : files) {
            String name = file.getFileName().toString().replace(".yaml", "");
            TrainingHarness.deleteTree(home.resolve("runs").resolve(name));
            double loadBefore = os.getSystemLoadAverage();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            TrainingStatus end = ClipExamples.run(file, overrides, home, s -> {});
            JsonObject line = new JsonObject()
                    .put("file", file.toString())
                    .put("finished", Instant.now().toString())
                    .put("overrides", new JsonObject(overrides))
                    .put("state", end.state())
                    .put("steps", end.step())
                    .put("wall_s", (System.nanoTime() - t0) / 1e9)
                    .put("cpu_s", (os.getProcessCpuTime() - cpu0) / 1e9)
                    .put("load_before", loadBefore)
                    .put("load_after", os.getSystemLoadAverage())
                    .put("cores", Runtime.getRuntime().availableProcessors())
                    .put("evaluation", new JsonObject(Map.copyOf(end.evaluation())))
                    .put("message", end.message());
            System.out.println("example-run " + line.encode());
            Files.writeString(
                    home.resolve("summary.jsonl"),
                    line.encode() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }
}
