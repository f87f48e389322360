package dev.stoa.models.dalle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.model.ModelStore;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.train.TrainableModelFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trains both shipped files in full with the platform trainer's own run (TrainingHarness: the code
 * {@code bin/stoa train} executes), the dVAE first, then the transformer on it from the same store, and prints their
 * evaluations, wall and CPU seconds; only with {@code -Dbench=true}:
 *
 * <pre>
 * mvn -o -B -pl bundles/models/dalle -am verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=DalleTrainingBenchmark -Dbench=true [-Dbench.overrides=train.steps=600,evaluate.every=300]
 * </pre>
 *
 * No CLIP is reachable here, so the evaluation has no reranked numbers (the survey benchmark has them).
 */
class DalleTrainingBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainBothTrainingFilesInFull() throws IOException {
        // TrainingHarness.benchmark runs in target/bench/<label>, emptied first: the transformer reads the dVAE from
        // the dVAE run's store
        Path dvaeHome = Path.of("target", "bench", "dalle-dvae-bench");
        var dvae = TrainingHarness.benchmark(
                "dalle-dvae-bench",
                Path.of("examples", "train", "dalle-dvae-tiny.yaml"),
                id -> id.equals(DvaeFactory.ID)
                        ? (TrainableModelFactory) new DvaeFactory(DalleTrainingBenchmark::entry)
                        : null,
                id -> id.equals(DvaeLossFactory.ID) ? (LossFactory) new DvaeLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(dvae.state().toString()).isEqualToIgnoringCase("succeeded");
        var dalle = TrainingHarness.benchmark(
                "dalle-bench",
                Path.of("examples", "train", "dalle-tiny.yaml"),
                id -> id.equals(DalleFactory.ID)
                        ? (TrainableModelFactory) new DalleFactory(
                                DalleTrainingBenchmark::entry, new ModelStore(dvaeHome.resolve("models")), null)
                        : null,
                id -> id.equals(DalleLossFactory.ID) ? (LossFactory) new DalleLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(dalle.state().toString()).isEqualToIgnoringCase("succeeded");
    }

    private static java.net.URL entry(String path) {
        return DalleTrainingBenchmark.class.getResource("/" + path);
    }
}
