package dev.stoa.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The report's files in {@code target/bench-report/}: {@value #JSON} (the numbers), {@value #MARKDOWN} (the same as
 * tables) and PNG plots; and the merge of what other benchmarks leave there.
 *
 * <p>Merge: every other {@code *.json} file in the folder (e.g. {@code vectors.json} from the vector benchmark,
 * {@code trainer.json} from the trainer's) may carry any of {@link #KEYS}, at its top level or in a {@code ratios}
 * object. A key this run left {@code null} takes the first value found (files in name order), and
 * {@code merged_from} records which file gave it; a key this run measured is never overwritten.
 */
final class Report {

    static final String JSON = "report.json";
    static final String MARKDOWN = "report.md";

    /** Keys of the {@code ratios} object, in the order the issue lists them. */
    static final List<String> RATIOS = List.of(
            "bus_over_raw",
            "caller_over_raw",
            "http_over_raw",
            "batching_gain",
            "composition_over_sum",
            "throughput_over_langchain4j",
            "throughput_over_transformersjs",
            "swap_p99_over_steady",
            "trainer_over_djl",
            "flops_efficiency",
            // EngineComparison (engines.json): ONNX Runtime CPU against PyTorch on the same exported model
            "clip_image_b1_latency_onnx_over_pytorch",
            "clip_image_b32_throughput_onnx_over_pytorch",
            "gpt_step_b1_latency_onnx_over_pytorch",
            "gpt_step_b32_throughput_onnx_over_pytorch");

    /** Keys beside {@code ratios} at the top level. */
    static final List<String> BESIDE = List.of("swap_errors", "recall_at_10", "query_ms");

    static final List<String> KEYS =
            Stream.concat(RATIOS.stream(), BESIDE.stream()).toList();

    private Report() {}

    /** @return {@code v} to 4 significant digits (for readable JSON), or {@code null} when not a number */
    static Double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        if (v == 0) {
            return 0.0;
        }
        double scale = Math.pow(10, 3 - Math.floor(Math.log10(Math.abs(v))));
        return Math.round(v * scale) / scale;
    }

    /**
     * Fills this run's {@code null} keys from the other JSON files of the folder.
     *
     * @param report this run's report, with {@code ratios} and the {@link #BESIDE} keys
     */
    static void merge(Path folder, JsonObject report) throws IOException {
        JsonObject ratios = report.getJsonObject("ratios");
        JsonObject mergedFrom = new JsonObject();
        List<Path> others;
        try (Stream<Path> files = Files.list(folder)) {
            others = files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals(JSON))
                    .sorted()
                    .toList();
        }
        for (Path file : others) {
            JsonObject other;
            try {
                other = new JsonObject(Files.readString(file));
            } catch (RuntimeException e) {
                continue; // not a JSON object: not a report
            }
            JsonObject otherRatios = other.getValue("ratios") instanceof JsonObject o ? o : new JsonObject();
            for (String key : KEYS) {
                JsonObject target = RATIOS.contains(key) ? ratios : report;
                if (target.getValue(key) != null) {
                    continue;
                }
                Object value = other.getValue(key) != null ? other.getValue(key) : otherRatios.getValue(key);
                if (value instanceof Number) {
                    target.put(key, value);
                    mergedFrom.put(key, file.getFileName().toString());
                }
            }
        }
        report.put("merged_from", mergedFrom);
    }

    static void write(Path folder, JsonObject report, String markdown) throws IOException {
        Files.writeString(folder.resolve(JSON), report.encodePrettily() + "\n");
        Files.writeString(folder.resolve(MARKDOWN), markdown);
    }
}
