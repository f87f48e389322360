package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.InferenceEngine;
import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a trained version on the first engine of its chain that can serve it, exporting its ONNX graphs first when
 * the version has none yet and its opened model can write them ({@link OnnxExport}). An export that fails is logged
 * and shown with the version ({@code /v1/models}), never fatal: the chain then passes over the engines that need a
 * graph. An export is tried once per version and process; {@code bin/stoa export} tries again.
 */
final class VersionOpener {

    private static final Logger LOG = LoggerFactory.getLogger(VersionOpener.class);

    /**
     * @param model the opened model, ready to register
     * @param engine the engine it serves on and why
     */
    record Opened(OpenedModel model, EngineChoice engine) {}

    private final Function<String, Optional<InferenceEngine>> engines;
    /** What became of each version's export ({@code <id>/<n>}), for {@code /v1/models}. */
    private final Map<String, String> exports = new ConcurrentHashMap<>();

    /** @param engines the engine registered under a name now, if any */
    VersionOpener(Function<String, Optional<InferenceEngine>> engines) {
        this.engines = engines;
    }

    /** @return what became of the version's export, or {@code null} when none was tried or found */
    String export(String modelId, int version) {
        return exports.get(modelId + "/" + version);
    }

    /**
     * @param provider the model's bundle
     * @param source a trained version
     * @param chain the model's engine chain
     * @param exportOnnx whether to export a version that has no graphs yet
     * @return the opened model and its engine
     * @throws Exception when no engine of the chain can serve it
     */
    Opened open(ProviderHandle provider, ModelSource source, EngineChain chain, boolean exportOnnx) throws Exception {
        String key = source.modelId() + "/" + source.version();
        Path folder = source.folder();
        Map<String, Path> found = ExportedGraphs.in(folder);
        OpenedModel[] pytorch = {null};
        try {
            if (found.isEmpty() && exportOnnx && !exports.containsKey(key)) {
                pytorch[0] = provider.provider().open(source);
                if (pytorch[0] instanceof OnnxExport exporter) {
                    exports.put(key, export(source, exporter));
                    found = ExportedGraphs.in(folder);
                }
            } else if (!found.isEmpty()) {
                exports.putIfAbsent(key, "exported: " + ExportedGraphs.names(found));
            }
            Map<String, Path> graphs = found;
            EngineChain.Chosen<OpenedModel> chosen = chain.choose(new EngineChain.Attempts<>() {
                @Override
                public Optional<InferenceEngine> engine(String name) {
                    return engines.apply(name);
                }

                @Override
                public Optional<String> missingGraphs() {
                    if (!graphs.isEmpty()) {
                        return Optional.empty();
                    }
                    String why = exports.get(key);
                    return Optional.of("no model.onnx or model.<graph>.onnx in " + folder
                            + (why != null
                                    ? " (export " + why + ")"
                                    : exportOnnx
                                            ? " (its model bundle does not export ONNX)"
                                            : " (exportOnnx is off; run bin/stoa export " + source.modelId() + " "
                                                    + source.version() + ")"));
                }

                @Override
                public OpenedModel openPytorch(EngineChoice choice) throws Exception {
                    OpenedModel m = pytorch[0];
                    pytorch[0] = null;
                    return m != null ? m : provider.provider().open(source);
                }

                @Override
                public OpenedModel openOn(InferenceEngine engine, EngineChoice choice) throws Exception {
                    OpenedGraphs sessions = OpenedGraphs.open(engine, choice, graphs, EngineOptions.defaults());
                    try {
                        return new EngineServedModel(provider.provider().open(source, sessions), sessions);
                    } catch (Exception | Error e) {
                        sessions.close();
                        throw e;
                    }
                }
            });
            if (!EngineChoice.PYTORCH.equals(chosen.choice().engine())
                    || chain.engines().size() > 1) {
                LOG.info(
                        "{} version {}: serving on {} ({})",
                        source.modelId(),
                        source.version(),
                        chosen.choice().engine(),
                        chosen.choice().reason());
            }
            return new Opened(chosen.value(), chosen.choice());
        } finally {
            if (pytorch[0] != null) {
                pytorch[0].close();
            }
        }
    }

    /**
     * Exports a version on demand ({@code bin/stoa export}): with the opened model when it can, else with one opened
     * for the purpose and closed after.
     *
     * @param provider the model's bundle
     * @param source the version
     * @param loaded the version's opened model, or {@code null} when it is not loaded
     * @return each graph's file
     * @throws StoaException {@code UNAVAILABLE} when the model cannot be exported, naming why
     */
    Map<String, Path> exportNow(ProviderHandle provider, ModelSource source, OpenedModel loaded) throws Exception {
        String key = source.modelId() + "/" + source.version();
        OpenedModel own = null;
        try {
            OpenedModel m = loaded instanceof OnnxExport
                    ? loaded
                    : (own = provider.provider().open(source));
            if (!(m instanceof OnnxExport exporter)) {
                throw new StoaException(
                        FailureCode.UNAVAILABLE,
                        source.modelId() + ": its bundle " + provider.bundle() + " does not export ONNX graphs");
            }
            try {
                Map<String, Path> files = exporter.exportOnnx(source.folder());
                exports.put(key, "exported: " + ExportedGraphs.names(files));
                return files;
            } catch (Exception | Error e) {
                exports.put(key, "failed: " + message(e));
                throw e instanceof StoaException se
                        ? se
                        : new StoaException(FailureCode.UNAVAILABLE, "exporting " + key + " failed: " + message(e), e);
            }
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private static String export(ModelSource source, OnnxExport exporter) {
        try {
            Map<String, Path> files = exporter.exportOnnx(source.folder());
            String done = "exported: " + ExportedGraphs.names(files);
            LOG.info("{} version {}: {}", source.modelId(), source.version(), done);
            return done;
        } catch (Exception | LinkageError e) {
            LOG.warn(
                    "{} version {}: ONNX export failed (engines that need a graph are passed over; bin/stoa export {} {} tries"
                            + " again): {}",
                    source.modelId(),
                    source.version(),
                    source.modelId(),
                    source.version(),
                    message(e));
            return "failed: " + message(e);
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** A model served on engine sessions: closing it closes the model, then its sessions. */
    private record EngineServedModel(OpenedModel model, OpenedGraphs sessions) implements OpenedModel {
        @Override
        public List<ModelService> services() {
            return model.services();
        }

        @Override
        public void close() {
            try {
                model.close();
            } finally {
                sessions.close();
            }
        }
    }
}
