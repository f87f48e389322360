package dev.stoa.models.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.losses.internal.SamLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trains {@code examples/train/sam-tiny.yaml} in full with the platform trainer's own run (TrainingHarness: the code
 * {@code bin/stoa train} executes, AdamW, clipping, the evaluation and the publication), and prints its evaluation,
 * wall and CPU seconds; only with {@code -Dbench=true}:
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE ONEDNN_MAX_CPU_ISA=AVX2 mvn -o -B -pl bundles/models/sam -am verify -DskipITs \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SamTrainingBenchmark -Dbench=true \
 *     [-Dbench.overrides=train.steps=600,evaluate.every=300]
 * </pre>
 */
class SamTrainingBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        var end = TrainingHarness.benchmark(
                "sam-bench",
                Path.of("examples", "train", "sam-tiny.yaml"),
                id -> id.equals(SamFactory.ID)
                        ? new SamFactory(path -> SamTrainingBenchmark.class.getResource("/" + path))
                        : null,
                id -> id.equals("sam") ? (LossFactory) new SamLossFactory() : null,
                id -> id.equals("shapes")
                        ? (DatasetFactory) new dev.stoa.datasets.internal.ShapesDatasetFactory()
                        : null);
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }
}
