package dev.stoa.survey.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's report as Markdown: one table with a row per model and a column per task, then the breakdowns
 * (matching per changed attribute, VQA per question type) and the notes on calls that failed.
 */
final class SurveyTable {

    /** The tasks, as columns: key in the rows file and {@link Cell} map, header, main measure, detail measures. */
    record Column(String task, String header, String main, List<String> detail) {}

    static final List<Column> COLUMNS = List.of(
            new Column("match", "image-text matching (one-attribute negatives)", "accuracy", List.of()),
            new Column(
                    "caption",
                    "captions: colour+shape (colour / shape / count)",
                    "colour_shape",
                    List.of("colour", "shape", "count")),
            new Column(
                    "vqa",
                    "VQA (colour / shape / count / word)",
                    "accuracy",
                    List.of("colour", "shape", "count", "text")),
            new Column("zero_shot", "zero-shot top-1 (30 classes)", "accuracy", List.of()),
            new Column("retrieval", "text-to-image R@1", "recall@1", List.of()),
            new Column("order", "video: frame order", "accuracy", List.of("pairwise")),
            new Column("clip_qa", "video: clip QA", "accuracy", List.of()),
            new Column("segment", "segmentation: mIoU from a point (from a box)", "point", List.of("box")),
            new Column("everything", "segment everything: count right", "accuracy", List.of()),
            new Column(
                    "segment_name",
                    "segment and name: count right (names right / found)",
                    "count",
                    List.of("names", "found")),
            new Column("draw", "drawn right by ShapeJudge: seen (unseen)", "test", List.of("test-unseen")),
            new Column("draw_clip", "drawn right by CLIP: seen (unseen)", "test", List.of("test-unseen")));

    /** One row's results: its cells by task and the training facts of its models. */
    record Result(SurveyRows.Row row, Map<String, Cell> cells, List<TrainingFacts> facts) {}

    private SurveyTable() {}

    /**
     * @param title the first lines: how it was made
     * @param results the rows, in order
     * @return the Markdown
     */
    static String markdown(String title, List<Result> results) {
        return markdown(title, results, List.of(), "");
    }

    /**
     * @param title the first lines: how it was made
     * @param results the rows, in order
     * @param extraNotes notes of the whole run, before the rows' (the drawing judges' check)
     * @param extraSection Markdown added at the end (the drawing breakdown)
     * @return the Markdown
     */
    static String markdown(String title, List<Result> results, List<String> extraNotes, String extraSection) {
        StringBuilder b = new StringBuilder(title).append("\n\n");
        List<Column> used = COLUMNS.stream()
                .filter(c -> results.stream().anyMatch(r -> r.cells().containsKey(c.task())))
                .toList();
        b.append("| model |");
        used.forEach(c -> b.append(' ').append(c.header()).append(" |"));
        b.append(" parameters | training steps | training time |\n|---|");
        used.forEach(c -> b.append("---|"));
        b.append("---|---|---|\n");
        List<String> notes = new ArrayList<>(extraNotes);
        for (Result r : results) {
            b.append("| ").append(r.row().name());
            if (!r.row().paper().isEmpty()) {
                b.append(" (").append(r.row().paper()).append(')');
            }
            b.append(" |");
            for (Column c : used) {
                Cell cell = r.cells().get(c.task());
                b.append(' ')
                        .append(cell == null ? "-" : cell(c, cell, r.row(), notes))
                        .append(" |");
            }
            b.append(' ').append(facts(r.facts())).append(" |\n");
        }
        List<String> rowNotes = results.stream()
                .filter(r -> !r.row().note().isEmpty())
                .map(r -> r.row().name() + ": " + r.row().note())
                .toList();
        if (!rowNotes.isEmpty() || !notes.isEmpty()) {
            b.append('\n');
            rowNotes.forEach(n -> b.append("- ").append(n).append('\n'));
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        if (results.stream()
                .anyMatch(r -> r.cells().containsKey("match")
                        && !r.cells().get("match").empty())) {
            b.append("\nImage-text matching, by kind of pair (true captions accepted; changed ones rejected):\n\n");
            b.append(
                    "| model | true captions | colour changed | shape changed | count changed |\n|---|---|---|---|---|\n");
            for (Result r : results) {
                Cell c = r.cells().get("match");
                if (c != null && !c.empty()) {
                    b.append("| ").append(r.row().name());
                    for (String m : List.of("positives", "colour", "shape", "count")) {
                        b.append(" | ").append(percent(c.get(m)));
                    }
                    b.append(" |\n");
                }
            }
        }
        return b.append(extraSection).toString();
    }

    private static String cell(Column c, Cell cell, SurveyRows.Row row, List<String> notes) {
        if (cell.empty()) {
            String why = cell.failure() == null ? "no items" : cell.failure();
            // said once per row: the drawing's two judges share the drawing's failure
            if (notes.stream().noneMatch(n -> n.startsWith(row.name() + ", ") && n.endsWith(": " + why))) {
                notes.add(row.name() + ", " + c.task() + ": " + why);
            }
            // UNKNOWN_SERVICE: the model has no trained version yet (its first publication registers its services)
            // or its bundle is not installed
            return why.startsWith("UNTRAINED")
                    ? "not trained"
                    : why.startsWith("UNKNOWN_SERVICE") ? "absent" : "failed";
        }
        StringBuilder s = new StringBuilder(percent(cell.get(c.main())));
        List<String> detail =
                c.detail().stream().filter(cell.measures()::containsKey).toList();
        if (!detail.isEmpty()) {
            s.append(" (");
            for (int i = 0; i < detail.size(); i++) {
                s.append(i > 0 ? " / " : "").append(percent(cell.get(detail.get(i))));
            }
            s.append(')');
        }
        if (cell.failed() > 0) {
            notes.add(row.name() + ", " + c.task() + ": " + cell.failed() + " of " + cell.n()
                    + " calls failed (counted wrong), the first: " + cell.failure());
            s.append('*');
        }
        return s.toString();
    }

    private static String facts(List<TrainingFacts> facts) {
        if (facts.isEmpty()) {
            return "- | - | -";
        }
        long parameters = 0;
        List<String> steps = new ArrayList<>();
        double seconds = 0;
        for (TrainingFacts f : facts) {
            parameters += Math.max(0, f.parameters());
            steps.add(String.valueOf(f.steps()));
            seconds += f.seconds();
        }
        return String.format(Locale.ROOT, "%,d | %s | %.0f s", parameters, String.join(" + ", steps), seconds);
    }

    static String percent(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}
