package dev.stoa.models.frozen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.model.ModelStore;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.losses.internal.CaptioningLossFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trains {@code examples/train/frozen-tiny.yaml} in full with the platform trainer's own run (TrainingHarness: the
 * code {@code bin/stoa train} executes, AdamW, clipping, the evaluation and the publication), and prints its
 * evaluation, wall and CPU seconds; only with {@code -Dbench=true}. The frozen language model is read from the model
 * store named by {@code -Dbench.models} (a folder holding {@code gpt-captions/<n>/}, e.g. a server's
 * {@code data/models}):
 *
 * <pre>
 * mvn -o -B -pl bundles/models/frozen -am verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=FrozenTrainingBenchmark -Dbench=true -Dbench.models=/path/to/data/models \
 *     [-Dbench.overrides=train.steps=600,evaluate.every=300]
 * </pre>
 */
class FrozenTrainingBenchmark {

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void trainTheTrainingFileInFull() throws IOException {
        Path models = Path.of(System.getProperty("bench.models", "../../../distribution/target/stoa/data/models"));
        var end = TrainingHarness.benchmark(
                "frozen-bench",
                Path.of("examples", "train", "frozen-tiny.yaml"),
                id -> id.equals(FrozenFactory.ID)
                        ? new FrozenFactory(
                                path -> FrozenTrainingBenchmark.class.getResource("/" + path),
                                new GptFactory(),
                                new ResNetEncoderFactory(),
                                new ModelStore(models))
                        : null,
                id -> id.equals("captioning") ? (LossFactory) new CaptioningLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null);
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
    }
}
