package dev.stoa.api.train;

import java.util.Map;

/**
 * Where a training run stands.
 *
 * @param id the run id: the training file's name and a timestamp
 * @param name the training file's {@code name}
 * @param file the training file
 * @param modelId the model store id the run publishes to
 * @param state {@code queued}, {@code running}, {@code evaluating}, {@code succeeded}, {@code failed} or
 *     {@code cancelled}
 * @param step optimizer steps done (resumed runs count from the checkpoint)
 * @param totalSteps optimizer steps the file asks for
 * @param samplesPerSecond training throughput over the last logged interval
 * @param etaSeconds estimated seconds left, or -1 when unknown
 * @param metrics the last logged step's numbers: {@code loss}, each loss part, {@code lr}, {@code logit_scale}, ...
 * @param evaluation the last evaluation's numbers (e.g. {@code zero_shot_top1/test}), empty before the first
 * @param runDir the run folder: metrics.jsonl, checkpoints, report
 * @param message what happened last, in words: the reason for a failure, or the published model version
 */
public record TrainingStatus(
        String id,
        String name,
        String file,
        String modelId,
        String state,
        long step,
        long totalSteps,
        double samplesPerSecond,
        long etaSeconds,
        Map<String, Double> metrics,
        Map<String, Double> evaluation,
        String runDir,
        String message) {

    public TrainingStatus {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        evaluation = evaluation == null ? Map.of() : Map.copyOf(evaluation);
    }

    /** @return whether the run will not change any more */
    public boolean finished() {
        return state.equals("succeeded") || state.equals("failed") || state.equals("cancelled");
    }

    /**
     * @return the status as plain data for JSON (the bus's progress events and the HTTP API): keys {@code id, name,
     *     file, model, state, step, steps, progress, samples_per_s, eta_s, metrics, evaluation, run_dir, message};
     *     non-finite numbers become null
     */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("id", id);
        out.put("name", name);
        out.put("file", file);
        out.put("model", modelId);
        out.put("state", state);
        out.put("step", step);
        out.put("steps", totalSteps);
        out.put("progress", progress());
        out.put("samples_per_s", samplesPerSecond);
        out.put("eta_s", etaSeconds);
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        metrics.forEach((k, v) -> m.put(k, Double.isFinite(v) ? v : null));
        out.put("metrics", m);
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        evaluation.forEach((k, v) -> e.put(k, Double.isFinite(v) ? v : null));
        out.put("evaluation", e);
        out.put("run_dir", runDir);
        out.put("message", message);
        return out;
    }

    /** @return the fraction of steps done, 0 to 1 */
    public double progress() {
        return totalSteps <= 0 ? 0 : Math.min(1.0, (double) step / totalSteps);
    }
}
