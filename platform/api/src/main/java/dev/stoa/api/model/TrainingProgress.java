package dev.stoa.api.model;

/**
 * How far the run that trains a model has come, as a model's status shows it.
 *
 * @param runId the training run's id ({@code GET /v1/trainings/<id>})
 * @param step optimizer steps done
 * @param steps optimizer steps the run will take
 * @param etaSeconds estimated seconds left, or -1 when unknown
 */
public record TrainingProgress(String runId, long step, long steps, long etaSeconds) {

    /** @return the progress in words, e.g. {@code run clip-shapes-1, step 170 of 3000, about 420 s left} */
    public String describe() {
        return "run " + runId + ", step " + step + " of " + steps
                + (etaSeconds >= 0 ? ", about " + etaSeconds + " s left" : "");
    }
}
