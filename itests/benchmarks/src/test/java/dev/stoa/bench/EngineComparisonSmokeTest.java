package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine comparison end to end with tiny durations (--quick): both models exported, run on both engines, their
 * outputs equal, every case and ratio written. Its timings mean nothing.
 */
class EngineComparisonSmokeTest {

    @TempDir
    Path out;

    @Test
    void quickRunComparesBothEnginesOnEqualOutputs() throws Exception {
        JsonObject report = new EngineComparison(out, 1, 0.3, true).run();

        assertThat(out.resolve("engines.json")).isNotEmptyFile();
        assertThat(out.resolve("engines.md")).content().contains("GPT decoder step", "CLIP image tower");
        assertThat(report.getJsonObject("ratios").fieldNames())
                .containsExactlyInAnyOrderElementsOf(EngineComparison.RATIO_KEYS);
        for (String key : EngineComparison.RATIO_KEYS) {
            assertThat(report.getJsonObject("ratios").getDouble(key)).as(key).isPositive();
        }
        for (String c : new String[] {"clip_image_b1", "clip_image_b32", "gpt_step_b1", "gpt_step_b32"}) {
            JsonObject r = report.getJsonObject(c);
            assertThat(r.getDouble("max_abs_diff"))
                    .as(c + " ONNX Runtime vs PyTorch")
                    .isLessThanOrEqualTo(1e-4);
            assertThat(r.getInteger("calls")).as(c).isGreaterThanOrEqualTo(5);
            assertThat(r.getDouble("pytorch_p50_us")).as(c).isPositive();
            assertThat(r.getDouble("onnxruntime_p50_us")).as(c).isPositive();
        }
        // the ratios reach the report: they are among the keys BenchReport merges from the folder's JSON files
        assertThat(Report.RATIOS).containsAll(EngineComparison.RATIO_KEYS);
    }
}
