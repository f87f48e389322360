package dev.stoa.api.model;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Objects;

/**
 * One status type for every model, version and service: a {@link ModelState} and the detail that state carries.
 *
 * @param state where it stands
 * @param message the detail in words: for {@code FAILED} the reason, for {@code UNTRAINED} how to train it, for
 *     {@code TRAINING} the run's progress, for {@code GONE} why; never {@code null}
 * @param trainingFile for {@code UNTRAINED} and {@code TRAINING}: the training file whose {@code output:} is this
 *     model (e.g. {@code etc/train/clip-shapes.yaml}), or {@code null} when none is known
 * @param training for {@code TRAINING}: the run's progress, else {@code null}
 */
public record ModelStatus(ModelState state, String message, String trainingFile, TrainingProgress training) {

    public ModelStatus {
        Objects.requireNonNull(state, "state");
        message = message == null ? "" : message;
    }

    /** @return {@code READY}, no detail */
    public static ModelStatus ready() {
        return new ModelStatus(ModelState.READY, "", null, null);
    }

    /**
     * @param what what is being opened, e.g. {@code version 3}
     * @return {@code LOADING}
     */
    public static ModelStatus loading(String what) {
        return new ModelStatus(ModelState.LOADING, "opening " + what, null, null);
    }

    /**
     * @param reason why it failed and how to fix it
     * @return {@code FAILED}
     */
    public static ModelStatus failed(String reason) {
        return new ModelStatus(ModelState.FAILED, reason, null, null);
    }

    /**
     * @param reason why nothing serves it
     * @return {@code GONE}
     */
    public static ModelStatus gone(String reason) {
        return new ModelStatus(ModelState.GONE, reason, null, null);
    }

    /**
     * @param modelId the model
     * @param trainingFile the training file whose {@code output:} is the model, or {@code null} when none is known
     * @return {@code UNTRAINED} with the command that trains it
     */
    public static ModelStatus untrained(String modelId, String trainingFile) {
        String how = trainingFile != null
                ? "train it with: bin/stoa train " + trainingFile + " (or POST /v1/trainings {\"file\": \""
                        + trainingFile + "\"})"
                : "no training file in etc/train/ has 'output: " + modelId + "'; write one (see"
                        + " etc/train/clip-shapes.yaml) and run bin/stoa train on it";
        return new ModelStatus(
                ModelState.UNTRAINED, modelId + " has no trained version yet; " + how, trainingFile, null);
    }

    /**
     * @param modelId the model
     * @param trainingFile the training file the run runs, or {@code null}
     * @param progress the run's progress
     * @return {@code TRAINING}
     */
    public static ModelStatus training(String modelId, String trainingFile, TrainingProgress progress) {
        return new ModelStatus(
                ModelState.TRAINING,
                modelId + " is being trained (" + progress.describe() + "); it"
                        + " serves as soon as the run publishes it. Progress: GET /v1/trainings/" + progress.runId(),
                trainingFile,
                progress);
    }

    /**
     * The failure a call to a service of a model that does not serve answers with.
     *
     * @return {@code UNTRAINED} (503) for {@code UNTRAINED} and {@code TRAINING}, {@code UNAVAILABLE} (503) for the
     *     other states, with {@link #message()} as the text
     */
    public StoaException toFailure() {
        FailureCode code = state == ModelState.UNTRAINED || state == ModelState.TRAINING
                ? FailureCode.UNTRAINED
                : FailureCode.UNAVAILABLE;
        return new StoaException(code, message.isEmpty() ? state.name() : message);
    }
}
