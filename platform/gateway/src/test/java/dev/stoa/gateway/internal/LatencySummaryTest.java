package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.metrics.LatencyHistogram;
import dev.stoa.api.metrics.PrometheusText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads what the bus and the pipeline engine write to /metrics, with the real histogram and text writer. */
class LatencySummaryTest {

    private static final long MS = 1_000_000;

    @Test
    void servicesGetCallsErrorsAndPercentilesFromTheirHistograms() {
        LatencyHistogram shout = new LatencyHistogram();
        // 90 calls of 3 ms (bucket 2.5-5 ms) and 10 of 40 ms (bucket 25-50 ms)
        for (int i = 0; i < 90; i++) {
            shout.record(3 * MS);
        }
        for (int i = 0; i < 10; i++) {
            shout.record(40 * MS);
        }
        PrometheusText out = new PrometheusText();
        out.sample("stoa_service_calls_total", 97, "id", "shout", "kind", "text", "outcome", "ok");
        out.sample("stoa_service_calls_total", 3, "id", "shout", "kind", "text", "outcome", "failed");
        out.sample("stoa_service_in_flight", 2, "id", "shout", "kind", "text");
        out.describe("stoa_service_latency_seconds", "histogram", "Time a service took");
        shout.writeTo(out, "stoa_service_latency_seconds", "id", "shout", "kind", "text");
        out.sample("stoa_service_calls_total", 0, "id", "idle", "kind", "text", "outcome", "ok");
        new LatencyHistogram().writeTo(out, "stoa_service_latency_seconds", "id", "idle", "kind", "text");

        JsonArray services = LatencySummary.summarise(out.toString()).getJsonArray("services");
        assertThat(services).hasSize(2);
        JsonObject idle = services.getJsonObject(0);
        assertThat(idle.getString("id")).isEqualTo("idle");
        assertThat(idle.getLong("calls")).isZero();
        assertThat(idle.getValue("p50_ms")).isNull();
        assertThat(idle.getValue("mean_ms")).isNull();
        JsonObject s = services.getJsonObject(1);
        assertThat(s.getString("kind")).isEqualTo("text");
        assertThat(s.getLong("calls")).isEqualTo(100);
        assertThat(s.getLong("errors")).isEqualTo(3);
        assertThat(s.getLong("inFlight")).isEqualTo(2);
        // rank 50 of 90 in (2.5, 5] ms: 2.5 + 2.5 * 50/90
        assertThat(s.getDouble("p50_ms")).isCloseTo(2.5 + 2.5 * 50 / 90.0, org.assertj.core.data.Offset.offset(0.001));
        // rank 99 of 100: the 9th of 10 in (25, 50] ms
        assertThat(s.getDouble("p99_ms")).isCloseTo(25 + 25 * 9 / 10.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(s.getDouble("mean_ms"))
                .isCloseTo((90 * 3 + 10 * 40) / 100.0, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void pipelineStagesGetTheirOutcomesAndLatency() {
        LatencyHistogram classify = new LatencyHistogram();
        classify.record(20 * MS);
        classify.record(100 * MS);
        PrometheusText out = new PrometheusText();
        for (String[] o : new String[][] {{"ok", "2"}, {"failed", "1"}, {"skipped", "4"}}) {
            out.sample(
                    "stoa_pipeline_stage_total",
                    Double.parseDouble(o[1]),
                    "pipeline",
                    "zero-shot",
                    "stage",
                    "classify",
                    "outcome",
                    o[0]);
        }
        classify.writeTo(out, "stoa_pipeline_stage_latency_seconds", "pipeline", "zero-shot", "stage", "classify");
        JsonObject stage =
                LatencySummary.summarise(out.toString()).getJsonArray("stages").getJsonObject(0);
        assertThat(stage.getString("pipeline")).isEqualTo("zero-shot");
        assertThat(stage.getString("stage")).isEqualTo("classify");
        assertThat(stage.getLong("calls")).isEqualTo(3);
        assertThat(stage.getLong("errors")).isEqualTo(1);
        assertThat(stage.getLong("skipped")).isEqualTo(4);
        assertThat(stage.getDouble("p50_ms")).isEqualTo(25.0); // rank 1 of 2: the top of (10, 25] ms
        assertThat(stage.getDouble("mean_ms")).isEqualTo(60.0);
    }

    @Test
    void aCallSlowerThanTheLargestBoundReportsThatBound() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(60_000 * MS);
        PrometheusText out = new PrometheusText();
        h.writeTo(out, "stoa_service_latency_seconds", "id", "slow", "kind", "x");
        JsonObject s = LatencySummary.summarise(out.toString())
                .getJsonArray("services")
                .getJsonObject(0);
        assertThat(s.getDouble("p99_ms")).isEqualTo(30_000.0);
        assertThat(s.getLong("calls")).isEqualTo(1);
    }

    @Test
    void labelValuesAreUnescapedAndBadLinesSkipped() {
        PrometheusText out = new PrometheusText();
        out.sample("m", 1.5, "id", "a \"quoted\" \\ name\nx", "kind", "k");
        String text = out + "garbage{id=unquoted} 1\n# comment\n\n";
        List<LatencySummary.Sample> samples = LatencySummary.parse(text);
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0).labels()).containsEntry("id", "a \"quoted\" \\ name\nx");
        assertThat(samples.get(0).value()).isEqualTo(1.5);
    }
}
