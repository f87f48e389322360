package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The benchmark report end to end with tiny durations (--quick), so that {@code mvn verify} catches a broken report
 * without spending minutes: every path runs, every file is written, every key is there. Its numbers mean nothing.
 */
class BenchReportSmokeTest {

    @Test
    void quickRunWritesEveryFileAndKey() throws Exception {
        Path out = Path.of(System.getProperty("stoa.bench.out"));
        Files.createDirectories(out);
        // what another benchmark leaves in the folder is merged into the keys this run does not measure
        Files.writeString(out.resolve("vectors.json"), "{\"recall_at_10\": 0.97, \"ratios\": {\"query_ms\": 0.4}}");
        JsonObject report = new BenchReport(BenchReport.Options.parse(new String[] {
                    "--quick",
                    "--out",
                    out.toString(),
                    "--model",
                    System.getProperty("stoa.bench.model"),
                    "--node",
                    out.resolve("no-node").toString()
                }))
                .run();

        for (String f : new String[] {"report.json", "report.md", "latency.png", "throughput.png", "p99.png"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        JsonObject ratios = report.getJsonObject("ratios");
        assertThat(ratios.fieldNames()).containsExactlyInAnyOrderElementsOf(Report.RATIOS);
        for (String measured : new String[] {
            "bus_over_raw",
            "caller_over_raw",
            "http_over_raw",
            "batching_gain",
            "composition_over_sum",
            "throughput_over_langchain4j",
            "flops_efficiency"
        }) {
            assertThat(ratios.getDouble(measured)).as(measured).isPositive();
        }
        assertThat(ratios.getValue("throughput_over_transformersjs"))
                .as("no Node install here")
                .isNull();
        assertThat(report.getDouble("recall_at_10")).isEqualTo(0.97);
        assertThat(report.getDouble("query_ms")).isEqualTo(0.4);
        assertThat(report.getJsonObject("merged_from").getString("recall_at_10"))
                .isEqualTo("vectors.json");
        assertThat(report.containsKey("swap_errors")).isTrue();
        assertThat(report.getDouble("raw_vs_stoa_min_cosine")).isGreaterThanOrEqualTo(0.9999);
        // the OpenAI and v2 front-ends are mounted, measured, and carry raw ONNX Runtime's vector
        for (String door : new String[] {"http", "openai", "v2_binary"}) {
            assertThat(report.getDouble("raw_vs_" + door + "_min_cosine"))
                    .as(door)
                    .isGreaterThanOrEqualTo(0.9999);
        }
        JsonObject doors = report.getJsonObject("http_doors");
        for (String key : new String[] {"http_pretty_over_raw", "openai_http_over_raw", "v2_binary_http_over_raw"}) {
            assertThat(doors.getDouble(key)).as(key).isPositive();
        }
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("| bus_over_raw |")
                .contains("transformers.js not measured");
        assertThat(new JsonObject(Files.readString(out.resolve("report.json"))).getJsonObject("ratios"))
                .isEqualTo(ratios);
    }
}
