package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.engine.EngineGraphs;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.InferenceEngine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A version's graphs, each opened on one engine; closed by the repository after the model that uses them. */
final class OpenedGraphs implements EngineGraphs, AutoCloseable {

    private final EngineChoice choice;
    private final Map<String, Path> files;
    private final Map<String, EngineSession> sessions;

    private OpenedGraphs(EngineChoice choice, Map<String, Path> files, Map<String, EngineSession> sessions) {
        this.choice = choice;
        this.files = Map.copyOf(files);
        this.sessions = sessions;
    }

    /**
     * Opens every graph; on a failure closes those already open.
     *
     * @param engine the engine
     * @param choice what the model will be reported with
     * @param files the graphs
     * @param options how to open them
     * @return the sessions
     * @throws Exception the engine's failure, naming the graph's file
     */
    static OpenedGraphs open(
            InferenceEngine engine, EngineChoice choice, Map<String, Path> files, EngineOptions options)
            throws Exception {
        Map<String, EngineSession> sessions = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> f : files.entrySet()) {
                try {
                    sessions.put(f.getKey(), engine.open(f.getValue(), options));
                } catch (StoaException e) {
                    throw new StoaException(e.code(), f.getValue().getFileName() + ": " + e.getMessage(), e);
                } catch (Exception e) {
                    throw new StoaException(
                            FailureCode.UNAVAILABLE, f.getValue().getFileName() + ": " + e, e);
                }
            }
            return new OpenedGraphs(choice, files, sessions);
        } catch (Exception | Error e) {
            sessions.values().forEach(OpenedGraphs::closeQuietly);
            throw e;
        }
    }

    @Override
    public EngineChoice choice() {
        return choice;
    }

    @Override
    public Map<String, Path> files() {
        return files;
    }

    @Override
    public EngineSession session(String graph) {
        EngineSession s = sessions.get(graph);
        if (s == null) {
            require(graph);
            throw new StoaException(FailureCode.UNAVAILABLE, "the graph '" + graph + "' is not open");
        }
        return s;
    }

    @Override
    public void close() {
        sessions.values().forEach(OpenedGraphs::closeQuietly);
    }

    private static void closeQuietly(EngineSession s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            // native memory of a session that is going away anyway
        }
    }
}
