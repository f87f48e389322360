package dev.stoa.gateway.internal;

import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelStatus;
import dev.stoa.api.model.ModelVersionInfo;
import dev.stoa.api.model.TrainingProgress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON of models and their status, the same in {@code /v1/models}, {@code /v1/services} and readiness. */
final class ModelJson {

    private ModelJson() {}

    /**
     * @param s a status
     * @return {@code {"state": "TRAINING", "message": "...", "training_file": "...", "training": {"run", "step",
     *     "steps", "progress", "eta_s"}}}, the last two only when known
     */
    static JsonObject status(ModelStatus s) {
        JsonObject o = new JsonObject().put("state", s.state().name()).put("message", s.message());
        if (s.trainingFile() != null) {
            o.put("training_file", s.trainingFile());
        }
        TrainingProgress t = s.training();
        if (t != null) {
            o.put(
                    "training",
                    new JsonObject()
                            .put("run", t.runId())
                            .put("step", t.step())
                            .put("steps", t.steps())
                            .put("progress", t.steps() <= 0 ? 0.0 : Math.min(1.0, (double) t.step() / t.steps()))
                            .put("eta_s", t.etaSeconds()));
        }
        return o;
    }

    /**
     * @param m a model
     * @return {@code {"id", "status", "policy", "serving_version", "versions": [{"version", "status", "serving",
     *     "services", "engine"?, "export"?}], "services", "bundle", "engine"?}}, {@code engine} being
     *     {@code {"name", "reason"}} of the engine a version serves on (the serving version's at the top)
     */
    static JsonObject model(ModelInfo m) {
        JsonArray versions = new JsonArray();
        for (ModelVersionInfo v : m.versions()) {
            JsonObject version = new JsonObject()
                    .put("version", v.number())
                    .put("status", status(v.status()))
                    .put("serving", v.serving())
                    .put("services", new JsonArray(v.services()));
            if (v.engine() != null) {
                version.put("engine", engine(v.engine()));
            }
            if (v.export() != null) {
                version.put("export", v.export());
            }
            versions.add(version);
        }
        JsonObject out = new JsonObject()
                .put("id", m.id())
                .put("status", status(m.status()))
                .put("policy", m.policy().spec())
                .put("serving_version", m.servingVersion())
                .put("versions", versions)
                .put("services", new JsonArray(m.services()))
                .put("bundle", m.bundle());
        m.servingEngine().ifPresent(e -> out.put("engine", engine(e)));
        return out;
    }

    /**
     * @param e an engine choice
     * @return {@code {"name": "onnxruntime-cpu", "reason": "tensorrt unavailable: ...; serving on onnxruntime-cpu"}}
     */
    static JsonObject engine(EngineChoice e) {
        return new JsonObject().put("name", e.engine()).put("reason", e.reason());
    }
}
