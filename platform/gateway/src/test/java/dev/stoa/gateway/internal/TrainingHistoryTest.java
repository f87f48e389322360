package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingHistoryTest {

    @TempDir
    Path runDir;

    private TrainingStatus run(String id, String state, long step) {
        return new TrainingStatus(
                id,
                "clip-shapes",
                "etc/train/clip-shapes.yaml",
                "clip-tiny",
                state,
                step,
                600,
                10,
                5,
                step == 0 ? Map.of() : Map.of("loss", 1.0),
                Map.of(),
                runDir.toString(),
                "training");
    }

    /** Writes metrics.jsonl as the trainer's MetricsLog does: a line per logged step, one per evaluation. */
    private void log(int steps, int evaluateEvery) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int step = 10; step <= steps; step += 10) {
            lines.add(new JsonObject()
                    .put("step", step)
                    .put("time", "2026-12-07T05:00:00Z")
                    .put("elapsed_s", step / 10.0)
                    .put("loss", 3.0 - step / 1000.0)
                    .put("contrastive_loss", 2.0)
                    .put("lr", 5e-4)
                    .putNull("grad_norm")
                    .encode());
            if (step % evaluateEvery == 0) {
                lines.add(new JsonObject()
                        .put("step", step)
                        .put("time", "2026-12-07T05:00:01Z")
                        .put("evaluation_s", 0.5)
                        .put("evaluation", new JsonObject().put("zero_shot_top1/test", step / 1000.0))
                        .encode());
            }
        }
        lines.add("{\"step\": 99999, \"loss\""); // a line cut short by a kill
        Files.write(runDir.resolve("metrics.jsonl"), lines, StandardCharsets.UTF_8);
    }

    @Test
    void answersEveryLoggedStepWithItsMetricsAndEveryEvaluation() throws Exception {
        log(100, 50);
        TrainingStatus r = run("a", "running", 100);
        JsonObject h = TrainingHistory.history(r, List.of(r), -1, 2000);
        JsonArray points = h.getJsonArray("points");
        assertThat(points).hasSize(10);
        assertThat(h.getLong("total")).isEqualTo(10);
        assertThat(h.getLong("stride")).isEqualTo(1);
        JsonObject first = points.getJsonObject(0);
        assertThat(first.getLong("step")).isEqualTo(10);
        assertThat(first.getDouble("elapsed_s")).isEqualTo(1.0);
        assertThat(first.getJsonObject("metrics").getDouble("loss")).isEqualTo(2.99);
        assertThat(first.getJsonObject("metrics").getDouble("contrastive_loss")).isEqualTo(2.0);
        assertThat(first.getJsonObject("metrics").containsKey("grad_norm")).isTrue();
        assertThat(first.getJsonObject("metrics").containsKey("step")).isFalse();
        assertThat(h.getJsonArray("evaluations"))
                .extracting(e -> ((JsonObject) e).getLong("step"))
                .containsExactly(50L, 100L);
        assertThat(h.getString("state")).isEqualTo("running");
        assertThat(h.getLong("steps")).isEqualTo(600);
    }

    @Test
    void sinceAnswersOnlyLaterSteps() throws Exception {
        log(100, 50);
        TrainingStatus r = run("a", "running", 100);
        JsonObject h = TrainingHistory.history(r, List.of(r), 60, 2000);
        assertThat(h.getJsonArray("points"))
                .extracting(p -> ((JsonObject) p).getLong("step"))
                .containsExactly(70L, 80L, 90L, 100L);
        assertThat(h.getJsonArray("evaluations")).hasSize(1);
    }

    @Test
    void aLongRunIsDownsampledKeepingTheFirstAndLastPoints() throws Exception {
        log(100_000, 100_000); // 10,000 logged steps
        TrainingStatus r = run("a", "running", 100_000);
        JsonObject h = TrainingHistory.history(r, List.of(r), -1, 500);
        JsonArray points = h.getJsonArray("points");
        assertThat(points.size()).isBetween(250, 500);
        assertThat(h.getLong("total")).isEqualTo(10_000);
        long stride = h.getLong("stride");
        assertThat(stride).isGreaterThan(1);
        assertThat(points.getJsonObject(0).getLong("step")).isEqualTo(10);
        assertThat(points.getJsonObject(points.size() - 1).getLong("step")).isEqualTo(100_000);
        // evenly spaced: consecutive kept points (but the last) are stride logged steps apart
        assertThat(points.getJsonObject(1).getLong("step")
                        - points.getJsonObject(0).getLong("step"))
                .isEqualTo(stride * 10);
        assertThat(h.getJsonArray("evaluations")).hasSize(1);
    }

    @Test
    void aQueuedRunOrAnOlderRunOfTheSameFileHasNoHistory() throws Exception {
        log(100, 50);
        TrainingStatus queued = run("b", "queued", 0);
        assertThat(TrainingHistory.history(queued, List.of(queued), -1, 2000).getJsonArray("points"))
                .isEmpty();
        TrainingStatus older = run("a", "succeeded", 100);
        TrainingStatus newer = run("c", "running", 20);
        JsonObject h = TrainingHistory.history(older, List.of(newer, older), -1, 2000);
        assertThat(h.getJsonArray("points")).isEmpty();
        assertThat(h.getString("message")).contains("newer run c");
    }

    @Test
    void noFileYetIsAnEmptyHistory() throws Exception {
        TrainingStatus r = run("a", "running", 0);
        assertThat(TrainingHistory.history(r, List.of(r), -1, 2000).getJsonArray("points"))
                .isEmpty();
    }

    @Test
    void theDownsamplerNeverKeepsMoreThanItsMaximum() {
        for (int n : new int[] {1, 2, 7, 8, 9, 100, 1001}) {
            TrainingHistory.Downsampler d = new TrainingHistory.Downsampler(8);
            for (int i = 0; i < n; i++) {
                d.add(new JsonObject().put("i", i));
            }
            List<JsonObject> kept = d.result();
            assertThat(kept.size()).as("n=%d", n).isLessThanOrEqualTo(8).isEqualTo(Math.min(n, kept.size()));
            assertThat(kept.get(0).getInteger("i")).isZero();
            assertThat(kept.get(kept.size() - 1).getInteger("i")).isEqualTo(n - 1);
            if (n <= 7) {
                assertThat(kept).hasSize(n);
            }
        }
    }
}
