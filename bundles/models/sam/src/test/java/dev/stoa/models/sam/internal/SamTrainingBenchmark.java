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

    /**
     * Evaluates a stored version (a model store folder, e.g. a server's {@code data/models/sam-tiny/1}) as the
     * trainer's evaluation does, with this code: {@code -Dbench.model=<folder>} [{@code -Dbench.examples=200}
     * {@code -Dbench.everything=100}].
     */
    @Test
    @EnabledIfSystemProperty(named = "bench.model", matches = ".+")
    void evaluateAStoredVersion() throws Exception {
        Path dir = Path.of(System.getProperty("bench.model"));
        int examples = Integer.getInteger("bench.examples", 200);
        int everything = Integer.getInteger("bench.everything", 100);
        try (SamInference model = SamModels.open("sam-stored", dir, "PyTorch");
                var data = new dev.stoa.datasets.internal.ShapesDatasetFactory()
                        .open(java.util.Map.of(
                                "seed", 0, "image_size", 64, "max_count", 3, "text_probability", 0.5, "masks", true));
                var m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            StoredSam.config(dir);
            Sam block = StoredSam.open(dir, StoredSam.config(dir), m);
            long t0 = System.nanoTime();
            var out = new SamEvaluation(block)
                    .evaluate(
                            dev.stoa.nn.train.TrainingExamples.first(data.split("test"), examples),
                            everything,
                            "test",
                            new ai.djl.training.ParameterStore(m, false),
                            SamEverything.Options.DEFAULTS);
            System.out.printf("sam-stored %s: %s in %.0f s%n", dir, out, (System.nanoTime() - t0) / 1e9);
            assertThat(out).containsKey("miou_point/test");
        }
    }
}
