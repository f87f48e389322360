package dev.stoa.survey.internal;

import dev.stoa.api.model.ModelStore;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the trainer wrote about the serving version of a model: the {@code train-report.json} the trainer publishes
 * into every version folder of the model store (parameters, steps, seconds, the machine).
 *
 * @param model the model id
 * @param version its newest version in the store
 * @param parameters its number of scalars, or -1 where the report does not say
 * @param steps training steps
 * @param seconds wall time of the run
 * @param finished when the run ended (ISO-8601)
 */
record TrainingFacts(String model, int version, long parameters, long steps, double seconds, String finished) {

    /**
     * @param store the model store
     * @param model a model id
     * @return the facts of its newest version, or empty when it has none or no report
     */
    static Optional<TrainingFacts> of(ModelStore store, String model) {
        Optional<ModelStore.Version> v = store.latest(model);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Path report = v.get().path().resolve("train-report.json");
        if (!Files.isRegularFile(report)) {
            return Optional.empty();
        }
        try {
            JsonObject r = new JsonObject(Files.readString(report));
            JsonObject m = r.getJsonObject("model", new JsonObject());
            long parameters = -1;
            try {
                parameters = Long.parseLong(String.valueOf(m.getValue("parameters", "-1")));
            } catch (NumberFormatException e) {
                // the model does not say
            }
            return Optional.of(new TrainingFacts(
                    model,
                    v.get().number(),
                    parameters,
                    r.getLong("steps", 0L),
                    r.getDouble("seconds", 0.0),
                    r.getString("finished", "")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return the facts of several models, those that have them */
    static List<TrainingFacts> of(ModelStore store, List<String> models) {
        return models.stream().flatMap(m -> of(store, m).stream()).toList();
    }
}
