package dev.stoa.survey.internal;

import java.util.List;
import java.util.Locale;

/**
 * The drawing cells' part of the report: the judges' check on the dataset's own pictures (a note under the table) and
 * the breakdown of every drawing row by judge and split, colour and shape apart.
 */
final class DrawnReport {

    private DrawnReport() {}

    /**
     * @param real the judges on the dataset's pictures of the prompts
     * @param clip the CLIP judge's service
     * @param prompts prompts per split
     * @param options the rows file's {@code drawn} options
     * @return the note's text
     */
    static String note(DrawTasks.Judged real, String clip, int prompts, java.util.Map<String, Object> options) {
        java.util.Map<String, Object> shown = new java.util.LinkedHashMap<>(options);
        shown.remove("clip");
        return String.format(
                Locale.ROOT,
                "drawn images: prompts \"a <colour> <shape>\" of held-out examples of the shapes dataset (its"
                        + " defaults: one shape, no word, 32 px on white%s); the judges on the dataset's own pictures"
                        + " of the same prompts (%d per split): the"
                        + " pixel judge ShapeJudge %s on test, %s on test-unseen (issue 17 asks >= 95%%); the CLIP"
                        + " judge %s %s and %s%s. A drawn picture is right when its judge names the prompt's colour"
                        + " and shape; seen = split test (pairs trained on, other pictures), unseen = split"
                        + " test-unseen (pairs never trained on)",
                shown.isEmpty() ? "" : "; " + shown,
                prompts,
                value(real.shapeJudge(), "test"),
                value(real.shapeJudge(), "test-unseen"),
                clip,
                value(real.clip(), "test"),
                value(real.clip(), "test-unseen"),
                real.clip().empty() ? " (" + real.clip().failure() + ")" : "");
    }

    /**
     * @param results the rows
     * @param real the judges on the dataset's pictures, or null when no row draws
     * @return the breakdown table, or empty when no row draws
     */
    static String section(List<SurveyTable.Result> results, DrawTasks.Judged real) {
        if (real == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(
                "\nDrawn images, by judge and split: colour+shape right (colour / shape alone):\n\n| model | ShapeJudge,"
                        + " seen | ShapeJudge, unseen | CLIP, seen | CLIP, unseen |\n|---|---|---|---|---|\n");
        line(b, "the dataset's own pictures (the judges' check)", real);
        for (SurveyTable.Result r : results) {
            Cell pixel = r.cells().get("draw");
            Cell clip = r.cells().get("draw_clip");
            if (pixel != null && clip != null) {
                line(b, r.row().name(), new DrawTasks.Judged(pixel, clip));
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String name, DrawTasks.Judged j) {
        b.append("| ").append(name);
        for (Cell c : List.of(j.shapeJudge(), j.clip())) {
            for (String split : DrawTasks.SPLITS) {
                b.append(" | ");
                if (c.empty()) {
                    b.append('-');
                } else {
                    b.append(SurveyTable.percent(c.get(split)))
                            .append(" (")
                            .append(SurveyTable.percent(c.get(split + "/colour")))
                            .append(" / ")
                            .append(SurveyTable.percent(c.get(split + "/shape")))
                            .append(')');
                }
            }
        }
        b.append(" |\n");
    }

    private static String value(Cell c, String split) {
        return c.empty() ? "-" : SurveyTable.percent(c.get(split));
    }
}
