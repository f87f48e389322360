package dev.stoa.models.simvlm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.losses.internal.CaptioningLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark, not a unit test (only with {@code -Dbench=true}): trains {@code examples/train/simvlm-tiny.yaml} in
 * full with the platform trainer's own run (TrainingHarness: the code {@code bin/stoa train} executes), then its
 * evaluation on 500 held-out test scenes; prints the metrics, wall and CPU seconds. The text-only mix ablation is
 * the file {@code examples/train/simvlm-tiny-no-text.yaml} ({@code -Dbench.file=...}).
 *
 * <pre>
 * mvn -o -B -pl bundles/models/simvlm -am verify -DskipITs -Dtest=SimVlmTrainingBenchmark -Dbench=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.file=examples/train/simvlm-tiny-no-text.yaml]
 * </pre>
 */
class SimVlmTrainingBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        var end = TrainingHarness.benchmark(
                "simvlm-bench",
                Path.of("examples", "train", "simvlm-tiny.yaml"),
                id -> id.equals(SimVlmFactory.ID)
                        ? new SimVlmFactory(path -> SimVlmTrainingBenchmark.class.getResource("/" + path))
                        : null,
                id -> id.equals("captioning") ? (LossFactory) new CaptioningLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }
}
