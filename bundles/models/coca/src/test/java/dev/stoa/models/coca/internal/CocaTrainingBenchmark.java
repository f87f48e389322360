package dev.stoa.models.coca.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.losses.internal.CocaLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trains {@code examples/train/coca-tiny.yaml} in full with the platform trainer's own run (TrainingHarness: the
 * code {@code bin/stoa train} executes, AdamW, clipping, the evaluation and the publication), and prints its
 * evaluation, wall and CPU seconds; only with {@code -Dbench=true}:
 *
 * <pre>
 * mvn -o -B -pl bundles/models/coca -am verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=CocaTrainingBenchmark -Dbench=true [-Dbench.overrides=train.steps=600,evaluate.every=300]
 * </pre>
 */
class CocaTrainingBenchmark {

    static final Path FILE = Path.of("examples", "train", "coca-tiny.yaml");

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (String o : System.getProperty("bench.overrides", "").split(",")) {
            if (!o.isBlank()) {
                String[] kv = o.split("=", 2);
                overrides.put(kv[0].trim(), number(kv[1].trim()));
            }
        }
        Path home = Path.of("target", "bench");
        deleteTree(home);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double load0 = os.getSystemLoadAverage();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long[] last = {-1};
        var end = TrainingHarness.run(
                FILE,
                overrides,
                id -> id.equals(CocaFactory.ID)
                        ? new CocaFactory(
                                path -> CocaTrainingBenchmark.class.getResource("/" + path), new ResNetEncoderFactory())
                        : null,
                id -> id.equals("coca") ? (LossFactory) new CocaLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null,
                home,
                s -> {
                    if (s.step() % 50 == 0 && s.step() != last[0]) {
                        last[0] = s.step();
                        System.out.printf(
                                "coca-bench step %d %.0f s %s %s%n",
                                s.step(), (System.nanoTime() - t0) / 1e9, s.metrics(), s.evaluation());
                    }
                });
        System.out.printf(
                "coca-bench %s steps=%d wall_s=%.0f cpu_s=%.0f load=%.1f-%.1f cores=%d overrides=%s%n  evaluation=%s%n"
                        + "  message=%s%n",
                end.state(),
                end.step(),
                (System.nanoTime() - t0) / 1e9,
                (os.getProcessCpuTime() - cpu0) / 1e9,
                load0,
                os.getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(),
                overrides,
                end.evaluation(),
                end.message());
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }

    private static Object number(String value) {
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

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
