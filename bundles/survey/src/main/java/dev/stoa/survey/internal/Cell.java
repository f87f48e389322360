package dev.stoa.survey.internal;

import java.util.Map;

/**
 * What one row measured on one task.
 *
 * @param measures named numbers, e.g. {@code accuracy} 0.94, {@code colour} 1.0 (fractions of {@code n})
 * @param n how many items were asked
 * @param failed how many calls failed (counted wrong)
 * @param failure the first failure, {@code CODE: message}, or null
 */
record Cell(Map<String, Double> measures, int n, int failed, String failure) {

    Cell {
        // in the order the task put them: its main measure first
        measures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(measures));
    }

    /** @return whether every call failed, so the row has no number for the task */
    boolean empty() {
        return n == 0 || failed == n;
    }

    /** @return the named measure, or NaN */
    double get(String name) {
        return measures.getOrDefault(name, Double.NaN);
    }
}
