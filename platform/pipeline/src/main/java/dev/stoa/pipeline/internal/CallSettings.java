package dev.stoa.pipeline.internal;

/**
 * How a stage that calls services calls them.
 *
 * @param timeoutMs longest one call may take
 * @param retries how often a call that timed out or found its service unavailable is tried again
 * @param maxInFlight most calls of this stage running at once, over all requests; more fail with OVERLOADED
 * @param optional the pipeline serves without the stage's service, and the stage is skipped (its output absent)
 *     while the service is not installed
 */
record CallSettings(long timeoutMs, int retries, int maxInFlight, boolean optional) {}
