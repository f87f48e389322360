package dev.stoa.models.coca.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.losses.internal.CocaLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.nio.file.Path;
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

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        var end = TrainingHarness.benchmark(
                "coca-bench",
                Path.of("examples", "train", "coca-tiny.yaml"),
                id -> id.equals(CocaFactory.ID)
                        ? new CocaFactory(
                                path -> CocaTrainingBenchmark.class.getResource("/" + path), new ResNetEncoderFactory())
                        : null,
                id -> id.equals("coca") ? (LossFactory) new CocaLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }
}
