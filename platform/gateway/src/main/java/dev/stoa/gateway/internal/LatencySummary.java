package dev.stoa.gateway.internal;

import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.metrics.PrometheusText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /v1/metrics/summary}: per service and per pipeline stage, calls, errors and the latency's p50, p99 and
 * mean in milliseconds, as JSON for a dashboard. It reads exactly what {@code GET /metrics} writes (every
 * {@link MetricsSource} into one {@link PrometheusText}), so the two never disagree, and estimates the percentiles from
 * the histogram buckets as Prometheus' {@code histogram_quantile} does: linearly within the bucket the rank falls in.
 */
final class LatencySummary {

    private final Supplier<? extends Iterable<MetricsSource>> sources;

    LatencySummary(Supplier<? extends Iterable<MetricsSource>> sources) {
        this.sources = sources;
    }

    void handle(RoutingContext rc) {
        PrometheusText text = new PrometheusText();
        for (MetricsSource s : sources.get()) {
            s.writeTo(text);
        }
        HttpGateway.json(rc, 200, summarise(text.toString()));
    }

    /** One sample line: its name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    /** The samples of one histogram series: the cumulative bucket counts by bound, the sum and the count. */
    static final class Series {
        final TreeMap<Double, Double> buckets = new TreeMap<>();
        double sum;
        double count;
        final Map<String, Double> outcomes = new LinkedHashMap<>();
        Double inFlight;

        /**
         * @param q the quantile, 0 to 1
         * @return its estimate in the histogram's unit, or {@code null} with no observations
         */
        Double quantile(double q) {
            Double total = buckets.get(Double.POSITIVE_INFINITY);
            if (total == null || total <= 0) {
                return null;
            }
            double rank = q * total;
            double lower = 0;
            double below = 0;
            for (Map.Entry<Double, Double> b : buckets.entrySet()) {
                if (b.getValue() >= rank) {
                    if (b.getKey().isInfinite()) {
                        return lower; // above the largest finite bound: that bound, as Prometheus answers
                    }
                    double inBucket = b.getValue() - below;
                    return inBucket <= 0 ? b.getKey() : lower + (b.getKey() - lower) * (rank - below) / inBucket;
                }
                lower = b.getKey();
                below = b.getValue();
            }
            return lower;
        }
    }

    /**
     * @param prometheus the text {@code GET /metrics} answers
     * @return {@code {"time", "services": [...], "stages": [...]}}
     */
    static JsonObject summarise(String prometheus) {
        Map<List<String>, Series> services = new TreeMap<>(LatencySummary::compare);
        Map<List<String>, Series> stages = new TreeMap<>(LatencySummary::compare);
        for (Sample s : parse(prometheus)) {
            String id = s.labels().get("id");
            String kind = s.labels().get("kind");
            String pipeline = s.labels().get("pipeline");
            String stage = s.labels().get("stage");
            switch (s.name()) {
                case "stoa_service_latency_seconds_bucket",
                        "stoa_service_latency_seconds_sum",
                        "stoa_service_latency_seconds_count" -> {
                    if (id != null) {
                        histogram(services.computeIfAbsent(key(id, kind), k -> new Series()), s);
                    }
                }
                case "stoa_service_calls_total" -> {
                    if (id != null) {
                        services.computeIfAbsent(key(id, kind), k -> new Series())
                                .outcomes
                                .merge(s.labels().getOrDefault("outcome", ""), s.value(), Double::sum);
                    }
                }
                case "stoa_service_in_flight" -> {
                    if (id != null) {
                        services.computeIfAbsent(key(id, kind), k -> new Series()).inFlight = s.value();
                    }
                }
                case "stoa_pipeline_stage_latency_seconds_bucket",
                        "stoa_pipeline_stage_latency_seconds_sum",
                        "stoa_pipeline_stage_latency_seconds_count" -> {
                    if (pipeline != null && stage != null) {
                        histogram(stages.computeIfAbsent(key(pipeline, stage), k -> new Series()), s);
                    }
                }
                case "stoa_pipeline_stage_total" -> {
                    if (pipeline != null && stage != null) {
                        stages.computeIfAbsent(key(pipeline, stage), k -> new Series())
                                .outcomes
                                .merge(s.labels().getOrDefault("outcome", ""), s.value(), Double::sum);
                    }
                }
                default -> {}
            }
        }
        JsonArray serviceOut = new JsonArray();
        services.forEach((k, s) -> {
            double ok = s.outcomes.getOrDefault("ok", 0.0);
            double failed = s.outcomes.getOrDefault("failed", 0.0);
            JsonObject o = new JsonObject()
                    .put("id", k.get(0))
                    .put("kind", k.get(1))
                    .put("calls", (long) (s.outcomes.isEmpty() ? s.count : ok + failed))
                    .put("errors", (long) failed);
            if (s.inFlight != null) {
                o.put("inFlight", s.inFlight.longValue());
            }
            serviceOut.add(latency(o, s));
        });
        JsonArray stageOut = new JsonArray();
        stages.forEach((k, s) -> {
            double ok = s.outcomes.getOrDefault("ok", 0.0);
            double failed = s.outcomes.getOrDefault("failed", 0.0);
            JsonObject o = new JsonObject()
                    .put("pipeline", k.get(0))
                    .put("stage", k.get(1))
                    .put("calls", (long) (s.outcomes.isEmpty() ? s.count : ok + failed))
                    .put("errors", (long) failed)
                    .put("skipped", (long) (double) s.outcomes.getOrDefault("skipped", 0.0));
            stageOut.add(latency(o, s));
        });
        return new JsonObject()
                .put("time", Instant.now().toString())
                .put("services", serviceOut)
                .put("stages", stageOut);
    }

    private static JsonObject latency(JsonObject o, Series s) {
        return o.put("p50_ms", millis(s.quantile(0.5)))
                .put("p99_ms", millis(s.quantile(0.99)))
                .put("mean_ms", s.count > 0 ? millis(s.sum / s.count) : null);
    }

    private static Double millis(Double seconds) {
        // three decimals of a millisecond (a microsecond) are all the buckets can tell apart
        return seconds == null ? null : Math.round(seconds * 1e6) / 1e3;
    }

    private static void histogram(Series series, Sample s) {
        if (s.name().endsWith("_bucket")) {
            String le = s.labels().get("le");
            if (le != null) {
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                series.buckets.merge(bound, s.value(), Double::sum);
            }
        } else if (s.name().endsWith("_sum")) {
            series.sum += s.value();
        } else {
            series.count += s.value();
        }
    }

    private static List<String> key(String a, String b) {
        return java.util.Arrays.asList(a, b == null ? "" : b);
    }

    private static int compare(List<String> a, List<String> b) {
        int c = a.get(0).compareTo(b.get(0));
        return c != 0 ? c : a.get(1).compareTo(b.get(1));
    }

    /**
     * Parses the Prometheus text format 0.0.4: comments and blank lines skipped, label values unescaped
     * ({@code \\}, {@code \"}, {@code \n}), a line that does not parse skipped.
     */
    static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(sample(line));
            } catch (RuntimeException e) {
                // not a sample line this summary can read; /metrics still shows it
            }
        }
        return out;
    }

    private static Sample sample(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).trim();
                i = eq + 1;
                if (line.charAt(i) != '"') {
                    throw new IllegalArgumentException("label value without quotes");
                }
                i++;
                StringBuilder value = new StringBuilder();
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        char next = line.charAt(i++);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                i++;
                labels.put(label, value.toString());
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        return new Sample(name, labels, Double.parseDouble(rest[0]));
    }
}
