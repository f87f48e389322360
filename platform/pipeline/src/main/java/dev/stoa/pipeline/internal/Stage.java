package dev.stoa.pipeline.internal;

import java.util.List;

/**
 * One step of a pipeline, as written in its file.
 *
 * @param id the stage's name (its key under {@code stages:}); other stages refer to its output as {@code $id}
 * @param line where it starts in the file
 * @param kind what it does
 * @param service for {@link Kind#CALL}: the id of the service to call
 * @param input for {@link Kind#CALL} and {@link Kind#MAP}: what to send ({@code $input} by default)
 * @param template for {@link Kind#TEMPLATE}: the text to build
 * @param merge for {@link Kind#MERGE}: the outputs joined into one object, keyed by their source
 * @param top for {@link Kind#TOP}: how many items to keep
 * @param by for {@link Kind#TOP}: the numeric field items are ranked by, or {@code null} for items that are numbers
 * @param when when to run it, or {@code null} for always
 * @param timeoutMs longest one call may take
 * @param retries how often a call that timed out or found its service unavailable is tried again
 * @param maxInFlight most calls of this stage running at once, over all requests; more fail with OVERLOADED
 * @param with for {@link Kind#CALL}: fields added to what is sent, each a literal (string, number, boolean, list) or a
 *     {@link Ref} resolved per request; without {@code input:} they are all that is sent. Empty when not set
 * @param optional for {@link Kind#CALL} and {@link Kind#MAP}: the pipeline serves without the service, and the stage
 *     is skipped (its output absent) while the service is not installed
 */
record Stage(String id, int line, Kind kind, String service, Ref input, Template template, List<Ref> merge, int top,
        String by, Condition when, long timeoutMs, int retries, int maxInFlight, java.util.Map<String, Object> with,
        boolean optional) {

    /** What a stage does. */
    enum Kind {
        /** Calls a service with one input. */
        CALL,
        /** Calls a service once per item of a list, in parallel, and returns the results as {@code items}. */
        MAP,
        /** Builds text from earlier outputs. */
        TEMPLATE,
        /** Joins several outputs into one object (the join of a fan-out). */
        MERGE,
        /** Keeps the k highest-ranked items of a list (top-k / select). */
        TOP
    }

    /** @return the stages and the input this one reads, so the engine can order and parallelise them */
    List<Ref> reads() {
        java.util.List<Ref> refs = new java.util.ArrayList<>();
        if (input != null) {
            refs.add(input);
        }
        if (template != null) {
            refs.addAll(template.refs());
        }
        if (merge != null) {
            refs.addAll(merge);
        }
        if (when != null) {
            refs.add(when.ref());
        }
        with.values().stream().filter(Ref.class::isInstance).map(Ref.class::cast).forEach(refs::add);
        return refs;
    }
}
