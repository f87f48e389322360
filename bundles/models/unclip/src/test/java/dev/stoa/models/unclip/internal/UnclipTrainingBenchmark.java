package dev.stoa.models.unclip.internal;

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
 * Trains {@code examples/train/unclip-tiny.yaml} in full with the platform trainer's own run (TrainingHarness: the code
 * {@code bin/stoa train} executes, AdamW, clipping, the evaluation and the publication), and prints its evaluation,
 * wall and CPU seconds; only with {@code -Dbench=true}. Without a server there is no CLIP service: the frozen CLIP is
 * the stand-in {@link PixelClip} (64-d, as clip-tiny), so the time is the real one and the quality numbers are not;
 * the numbers of the README come from the server's trainer with clip-tiny.
 *
 * <pre>
 * mvn -o -B -pl platform/nn,bundles/losses,bundles/models/unclip verify -DskipITs \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtest=UnclipTrainingBenchmark -Dbench=true \
 *     [-Dbench.overrides=train.steps=300,evaluate.every=300]
 * </pre>
 */
class UnclipTrainingBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        UnclipFactory factory = new UnclipFactory(
                path -> UnclipTrainingBenchmark.class.getResource("/" + path), clip -> new PixelClip(64));
        var end = TrainingHarness.benchmark(
                "unclip-bench",
                Path.of("examples", "train", "unclip-tiny.yaml"),
                id -> id.equals(UnclipFactory.ID) ? factory : null,
                id -> id.equals("diffusion") ? (LossFactory) new DiffusionLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }
}
