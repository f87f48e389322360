package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A short run of each example training file (examples/train/), with the trainer's own run: the file is valid, the
 * services it names compose, the loss falls and zero-shot top-1 on held-out images of seen labels ends above
 * chance. The full schedules are measured with {@link ClipExampleRuns}.
 */
class ClipExamplesTest {

    private static final int STEPS = 120;

    @TempDir
    Path home;

    @TestFactory
    Stream<DynamicTest> eachExampleFileLearnsInAShortRun() {
        List<Path> files = ClipExamples.files();
        assertThat(files)
                .extracting(f -> f.getFileName().toString())
                .contains("clip-baseline.yaml", "align-clean.yaml", "align-noisy.yaml", "unicl.yaml");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> shortRun(f)));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private void shortRun(Path file) throws IOException {
        Map<String, Object> shorter = new LinkedHashMap<>();
        shorter.put("train.steps", STEPS);
        shorter.put("train.batch_size", 64);
        shorter.put("train.warmup_steps", 10);
        shorter.put("train.lr", 2.0e-3);
        shorter.put("train.log_every", 5);
        shorter.put("train.checkpoint_every", 1000);
        shorter.put("evaluate.every", 1000);
        shorter.put("evaluate.examples", 150);
        shorter.put("evaluate.gallery", 50);
        TrainingStatus end = ClipExamples.run(file, shorter, home, s -> {});
        assertThat(end.state()).as(end.message()).isEqualTo("succeeded");
        assertThat(end.step()).isEqualTo(STEPS);

        Path runDir = home.resolve("runs").resolve(end.name());
        List<Double> losses = Files.readAllLines(runDir.resolve("metrics.jsonl")).stream()
                .map(JsonObject::new)
                .filter(o -> o.containsKey("loss"))
                .map(o -> o.getDouble("loss"))
                .toList();
        assertThat(losses).hasSize(STEPS / 5);
        // one batch's loss is noisy: the mean of the first three logged (steps 5-15) against the last four
        double first = mean(losses.subList(0, 3));
        double last = mean(losses.subList(losses.size() - 4, losses.size()));
        // a batch of 64 starts near ln 64 = 4.16 nats (random towers); learning takes it well below: by at least 0.3
        // nats, where one batch's loss varies by about 0.1 late in these runs (noisy captions and smoothed targets
        // keep the floor higher, so a fixed drop rather than a ratio: align-noisy falls about 0.55 nats in 120 steps)
        assertThat(last).as(file + ": losses " + losses).isLessThan(first - 0.3);
        // 27 seen labels, chance 1/27 = 0.037; a short run already separates colours
        assertThat(end.evaluation().get("zero_shot_top1/test"))
                .as(file.toString())
                .isGreaterThan(0.12);

        // the dataset options of the file reached the dataset (the noisy files are noisy, the others clean)
        JsonObject report = new JsonObject(Files.readString(runDir.resolve("report.json")));
        String text = Files.readString(file);
        double noise = text.contains("caption_noise: 0.2") ? 0.2 : 0.0;
        assertThat(report.getJsonObject("dataset").getString("caption_noise")).isEqualTo(Double.toString(noise));
        Map<?, ?> loss = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .<Map<?, ?>>load(text)
                .get("loss");
        assertThat(report.getString("loss")).isEqualTo(loss.get("id"));
    }
}
