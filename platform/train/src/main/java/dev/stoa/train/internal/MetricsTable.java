package dev.stoa.train.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An evaluation as a Markdown table, one row per metric and one column per split, so the numbers a model reaches on
 * each held-out split stand side by side: for CLIP, seen classes ({@code test}), held-out colour-shape combinations
 * ({@code test-unseen}) and the held-out renderer setting ({@code test-renderer}). A name {@code metric/split} (split
 * after the first slash, e.g. {@code zero_shot_top1/test-unseen}) goes to row {@code metric}, column {@code split}; a
 * name without a slash to column {@code all}. Rows and columns keep the order they are first met; an empty cell is a
 * metric not measured on that split.
 */
final class MetricsTable {

    private static final String NO_SPLIT = "all";

    private MetricsTable() {}

    /**
     * @param evaluation metric name to value, in the model's order
     * @return the table with its header, each line ending in a newline; empty when there is nothing to show
     */
    static String markdown(Map<String, Double> evaluation) {
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        evaluation.forEach((name, value) -> {
            int slash = name.indexOf('/');
            String metric = slash < 0 ? name : name.substring(0, slash);
            String split = slash < 0 ? NO_SPLIT : name.substring(slash + 1);
            if (!columns.contains(split)) {
                columns.add(split);
            }
            rows.computeIfAbsent(metric, k -> new LinkedHashMap<>()).put(split, value);
        });
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("| metric |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|");
        columns.forEach(c -> md.append("---|"));
        md.append('\n');
        rows.forEach((metric, values) -> {
            md.append("| ").append(metric).append(" |");
            for (String c : columns) {
                Double v = values.get(c);
                md.append(' ')
                        .append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v))
                        .append(" |");
            }
            md.append('\n');
        });
        return md.toString();
    }
}
