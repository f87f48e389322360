package dev.stoa.models.fusion.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.losses.internal.MaskedMatchingLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trains {@code examples/train/vilbert-tiny.yaml} in full with the platform trainer's own run (TrainingHarness: the
 * code {@code bin/stoa train} executes, AdamW, clipping, the evaluation and the publication), and prints its
 * evaluation, wall and CPU seconds; only with {@code -Dbench=true}:
 *
 * <pre>
 * mvn -o -B -pl bundles/models/fusion -am verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=VilbertTrainingBenchmark -Dbench=true [-Dbench.overrides=train.steps=600,evaluate.every=300]
 * </pre>
 */
class VilbertTrainingBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        var end = TrainingHarness.benchmark(
                "vilbert-bench",
                Path.of("examples", "train", "vilbert-tiny.yaml"),
                id -> id.equals(VilbertFactory.ID)
                        ? new VilbertFactory(path -> VilbertTrainingBenchmark.class.getResource("/" + path))
                        : null,
                id -> id.equals("masked-matching") ? (LossFactory) new MaskedMatchingLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }
}
