package dev.stoa.api.model;

/**
 * Where a model, one of its versions, or one of its services stands. The detail that goes with each state is in
 * {@link ModelStatus}.
 */
public enum ModelState {
    /** No trained version exists: its services answer {@code UNTRAINED} (503) naming how to train it. */
    UNTRAINED,
    /** No trained version exists yet and a training run that publishes it is queued or running. */
    TRAINING,
    /** A version is being opened (weights read, warm-up call); the previous version, if any, keeps serving. */
    LOADING,
    /** A version serves. */
    READY,
    /** The version could not be opened; the reason says why and how to fix it. */
    FAILED,
    /** Nothing serves it: its bundle went away, or it was unloaded explicitly. */
    GONE;

    /** @return whether services of a model in this state answer real calls */
    public boolean serves() {
        return this == READY;
    }
}
