package dev.stoa.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsAreCumulativeWithSumAndCount() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(300_000); // 0.3 ms  -> le 0.0005
        h.record(3_000_000); // 3 ms    -> le 0.005
        h.record(40_000_000_000L); // 40 s   -> only +Inf
        PrometheusText out = new PrometheusText();
        h.writeTo(out, "x_seconds", "id", "a");
        String text = out.toString();
        assertThat(text)
                .contains("x_seconds_bucket{id=\"a\",le=\"5.0E-4\"} 1\n")
                .contains("x_seconds_bucket{id=\"a\",le=\"0.0025\"} 1\n")
                .contains("x_seconds_bucket{id=\"a\",le=\"0.005\"} 2\n")
                .contains("x_seconds_bucket{id=\"a\",le=\"30.0\"} 2\n")
                .contains("x_seconds_bucket{id=\"a\",le=\"+Inf\"} 3\n")
                .contains("x_seconds_count{id=\"a\"} 3\n")
                .contains("x_seconds_sum{id=\"a\"} 40.0033\n");
        assertThat(h.count()).isEqualTo(3);
    }

    @Test
    void labelValuesAreEscapedAndHelpWrittenOnce() {
        PrometheusText out = new PrometheusText();
        out.describe("m", "counter", "things").describe("m", "counter", "things");
        out.sample("m", 2, "id", "a\"b\\c");
        assertThat(out.toString()).isEqualTo("# HELP m things\n# TYPE m counter\nm{id=\"a\\\"b\\\\c\"} 2\n");
    }
}
