package dev.stoa.api.pipeline;

/** A stage that computes its output from earlier values, in this JVM, without calling a service (template, merge). */
public non-sealed interface ComputedStage extends Stage {

    /**
     * Computes the output. Runs on an event loop: it must be quick and must not block.
     *
     * @param values the request's values so far
     * @return the output, or {@code null} for none (then later stages see it as absent)
     * @throws dev.stoa.api.StoaException {@code BAD_INPUT} naming the stage and the value that does not fit
     */
    Object compute(Values values);
}
