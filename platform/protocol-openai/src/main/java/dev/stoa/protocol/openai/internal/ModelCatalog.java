package dev.stoa.protocol.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceKind;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.PipelineInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models of the API at one moment: the configured names ({@link OpenAiSettings#models()}) and, with
 * {@code exposeAll}, every text encoder and text generator under its own id, matched against what the event bus
 * exports now and the pipeline files the platform knows. Built per request from the directories, so a service that
 * comes or goes shows at once.
 */
final class ModelCatalog {

    /** What a model does, read from its service's types. */
    enum Capability {
        /** A {@code TextEncoder}: {@code Text -> Embedding}; {@code POST /embeddings}. */
        EMBEDDINGS,
        /** A {@code TextGenerator}: {@code GenerationRequest -> Generation}; the completions endpoints. */
        GENERATION,
        /** A pipeline: the messages' text and image become its input fields; the completions endpoints. */
        PIPELINE,
        /** Anything else: callable at {@code /v1/services/{id}}, not through this API. */
        NONE
    }

    /**
     * A model with the service that serves it now.
     *
     * @param model its configuration
     * @param service the exported service or pipeline
     * @param capability what the service does
     */
    record Resolved(ExposedModel model, ExportedService service, Capability capability) {}

    private final OpenAiSettings settings;
    private final Map<String, ExportedService> services = new LinkedHashMap<>();
    private final Map<String, ExportedService> pipelines = new LinkedHashMap<>();
    private final Map<String, PipelineInfo> pipelineFiles = new LinkedHashMap<>();

    /**
     * @param settings the configuration
     * @param exported what the bus exports now ({@code ServiceDirectory.services()}); empty when the bus is down
     * @param files the pipeline files ({@code PipelineDirectory.pipelines()}); empty when the engine is down
     */
    ModelCatalog(OpenAiSettings settings, List<ExportedService> exported, List<PipelineInfo> files) {
        this.settings = settings;
        for (ExportedService s : exported) {
            if ("gone".equals(s.state())) {
                continue;
            }
            if (ServiceKind.PIPELINE.id().equals(s.kind())) {
                pipelines.putIfAbsent(s.id(), s);
            } else {
                services.putIfAbsent(s.id(), s);
            }
        }
        for (PipelineInfo p : files) {
            pipelineFiles.put(p.name(), p);
        }
    }

    static Capability capabilityOf(ExportedService s) {
        if (ServiceKind.PIPELINE.id().equals(s.kind())) {
            return Capability.PIPELINE;
        }
        if ("GenerationRequest".equals(s.inputType())) {
            return Capability.GENERATION;
        }
        if ("Text".equals(s.inputType()) && "Embedding".equals(s.outputType())) {
            return Capability.EMBEDDINGS;
        }
        return Capability.NONE;
    }

    /** @return the {@code data} of {@code GET /models}: every model whose service or pipeline file exists now */
    JsonArray list() {
        JsonArray data = new JsonArray();
        Map<String, Boolean> named = new LinkedHashMap<>();
        for (ExposedModel m : settings.models().values()) {
            named.put(m.name(), true);
            if (m.pipeline()) {
                ExportedService p = pipelines.get(m.target());
                PipelineInfo file = pipelineFiles.get(m.target());
                if (p != null || file != null) {
                    data.add(entry(m, Capability.PIPELINE, p != null ? "serving" : file.state()));
                }
            } else {
                ExportedService s = services.get(m.target());
                if (s != null && capabilityOf(s) != Capability.NONE) {
                    data.add(entry(m, capabilityOf(s), s.state()));
                }
            }
        }
        if (settings.exposeAll()) {
            for (ExportedService s : services.values()) {
                Capability c = capabilityOf(s);
                if (c != Capability.NONE && !named.containsKey(s.id())) {
                    data.add(entry(ExposedModel.service(s.id()), c, s.state()));
                }
            }
        }
        return data;
    }

    private static JsonObject entry(ExposedModel m, Capability c, String state) {
        return new JsonObject()
                .put("id", m.name())
                .put("object", "model")
                .put("created", 0)
                .put("owned_by", "stoa")
                .put(
                        "stoa",
                        new JsonObject()
                                .put("target", m.targetSpec())
                                .put("endpoints", endpoints(c))
                                .put("state", state));
    }

    private static JsonArray endpoints(Capability c) {
        return switch (c) {
            case EMBEDDINGS -> new JsonArray().add("/embeddings");
            case GENERATION, PIPELINE ->
                new JsonArray().add("/chat/completions").add("/completions");
            case NONE -> new JsonArray();
        };
    }

    /**
     * @param name the {@code model} of a request
     * @return the model and the service that serves it now
     * @throws OpenAiError 404 {@code model_not_found} for a name nothing answers to, 503 for a configured pipeline
     *     that waits for its services or is invalid
     */
    Resolved resolve(String name) {
        ExposedModel m = settings.models().get(name);
        if (m != null) {
            if (m.pipeline()) {
                ExportedService p = pipelines.get(m.target());
                if (p != null) {
                    return new Resolved(m, p, Capability.PIPELINE);
                }
                PipelineInfo file = pipelineFiles.get(m.target());
                if (file != null) {
                    throw OpenAiError.of(
                            FailureCode.UNAVAILABLE,
                            "model '" + name + "' is pipeline '" + m.target() + "', which is " + file.state()
                                    + (file.missingServices().isEmpty()
                                            ? ""
                                            : " for the services " + file.missingServices()
                                                    + " (models that are trained first: GET /v1/models and"
                                                    + " GET /v1/trainings say when)")
                                    + (file.errors().isEmpty() ? "" : ": " + String.join("; ", file.errors()))
                                    + "; GET /v1/pipelines shows it",
                            "model");
                }
                throw notFound(
                        name,
                        "it is configured as " + m.targetSpec() + " in etc/" + OpenAiSettings.PID
                                + ".cfg, but no pipeline file etc/pipelines/" + m.target() + ".yaml exists");
            }
            ExportedService s = services.get(m.target());
            if (s == null) {
                throw notFound(
                        name,
                        "it is configured as " + m.targetSpec() + " in etc/" + OpenAiSettings.PID
                                + ".cfg, but no such service runs now (GET /v1/services lists them)");
            }
            return new Resolved(m, s, capabilityOf(s));
        }
        if (settings.exposeAll()) {
            ExportedService s = services.get(name);
            if (s != null && capabilityOf(s) != Capability.NONE) {
                return new Resolved(ExposedModel.service(name), s, capabilityOf(s));
            }
        }
        throw notFound(
                name,
                "GET /openai/v1/models lists the models; name others with model." + name
                        + " = service:<id> or pipeline:<name> in etc/" + OpenAiSettings.PID + ".cfg");
    }

    private static OpenAiError notFound(String name, String why) {
        return new OpenAiError(404, "model_not_found", "model", "The model '" + name + "' does not exist: " + why);
    }

    /** @return the names of every model listed now, for messages */
    List<String> names() {
        List<String> out = new ArrayList<>();
        list().forEach(o -> out.add(((JsonObject) o).getString("id")));
        return out;
    }
}
