package dev.stoa.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void valuesOnABoundCountInThatBucket() {
        Histogram h = new Histogram(1, 2, 4, 8);
        h.record(1); // le 1
        h.record(3); // le 4
        h.record(4); // le 4
        h.record(9); // +Inf only
        PrometheusText out = new PrometheusText();
        h.writeTo(out, "batch_size", "id", "a");
        assertThat(out.toString())
                .contains("batch_size_bucket{id=\"a\",le=\"1.0\"} 1\n")
                .contains("batch_size_bucket{id=\"a\",le=\"2.0\"} 1\n")
                .contains("batch_size_bucket{id=\"a\",le=\"4.0\"} 3\n")
                .contains("batch_size_bucket{id=\"a\",le=\"8.0\"} 3\n")
                .contains("batch_size_bucket{id=\"a\",le=\"+Inf\"} 4\n")
                .contains("batch_size_sum{id=\"a\"} 17\n")
                .contains("batch_size_count{id=\"a\"} 4\n");
        assertThat(h.count()).isEqualTo(4);
    }

    @Test
    void boundsMustAscend() {
        assertThatThrownBy(() -> new Histogram(2, 1)).hasMessageContaining("ascend");
        assertThatThrownBy(Histogram::new).hasMessageContaining("at least one");
    }
}
