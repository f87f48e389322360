package dev.stoa.models.glide.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.losses.internal.DiffusionLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trains {@code examples/train/glide-tiny.yaml} in full with the platform trainer's own run (TrainingHarness: the code
 * {@code bin/stoa train} executes, AdamW, clipping, the evaluation and the publication), and prints its evaluation,
 * wall and CPU seconds; only with {@code -Dbench=true}:
 *
 * <pre>
 * mvn -o -B -pl platform/nn,bundles/losses,bundles/models/glide verify -DskipITs \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtest=GlideTrainingBenchmark -Dbench=true \
 *     [-Dbench.overrides=train.steps=300,evaluate.every=300]
 * </pre>
 */
class GlideTrainingBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        var end = TrainingHarness.benchmark(
                "glide-bench",
                Path.of("examples", "train", "glide-tiny.yaml"),
                id -> id.equals(GlideFactory.ID) ? GlideTestSupport.factory() : null,
                id -> id.equals("diffusion") ? (LossFactory) new DiffusionLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }
}
