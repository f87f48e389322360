package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.engine.InferenceEngine;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A model's engine chain and the walk along it: the first engine that can serve the version here wins, and the
 * {@link EngineChoice} it yields says why each engine before it was passed over. An engine is passed over when no
 * bundle registers it, when it reports itself unavailable ({@link InferenceEngine#unavailableReason()}), when the
 * version has no exported graph, or when opening fails; {@value EngineChoice#PYTORCH} is the model bundle's own path
 * and needs no graph. No OSGi and no files: {@link Attempts} is the world the walk asks.
 *
 * @param engines the engine names in order, e.g. {@code [tensorrt, onnxruntime-cpu, pytorch]}
 */
record EngineChain(List<String> engines) {

    /** The chain of a model that names none. */
    static final EngineChain PYTORCH_ONLY = new EngineChain(List.of(EngineChoice.PYTORCH));

    EngineChain {
        engines = List.copyOf(engines);
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("an engine chain names at least one engine");
        }
    }

    /**
     * @param spec engine names separated by commas, e.g. {@code tensorrt, onnxruntime-cpu, pytorch}
     * @param where the setting, for the message
     * @return the chain
     * @throws StoaException {@code BAD_CONFIG} naming the setting when it is empty, a name is not an engine name or
     *     one repeats
     */
    static EngineChain parse(String spec, String where) {
        Set<String> names = new LinkedHashSet<>();
        for (String part : (spec == null ? "" : spec).split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        where + ": '" + part.trim() + "' is not an engine name; write names such as tensorrt,"
                                + " onnxruntime-cpu, pytorch separated by commas");
            }
            if (!names.add(name)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG, where + ": '" + name + "' appears twice in '" + spec.trim() + "'");
            }
        }
        if (names.isEmpty()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    where + " is empty; name the engines to try in order, e.g. onnxruntime-cpu, pytorch");
        }
        return new EngineChain(new ArrayList<>(names));
    }

    /** @return the chain as a configuration writes it */
    String spec() {
        return String.join(", ", engines);
    }

    /**
     * What the walk needs to know and do for one version.
     *
     * @param <T> what an opening yields (an opened model)
     */
    interface Attempts<T> {

        /** @return the engine of that name registered now, if one is */
        Optional<InferenceEngine> engine(String name);

        /** @return why the version has no exported graph to open (e.g. its export failed), or empty when it has */
        Optional<String> missingGraphs();

        /**
         * @param choice the choice the model will be reported with, should it open
         * @return the version opened on its bundle's own path
         */
        T openPytorch(EngineChoice choice) throws Exception;

        /**
         * @param engine the engine
         * @param choice the choice the model will be reported with, should it open
         * @return the version opened on the engine's sessions
         */
        T openOn(InferenceEngine engine, EngineChoice choice) throws Exception;
    }

    /**
     * @param value what opened
     * @param choice the engine that serves it and why
     * @param <T> what an opening yields
     */
    record Chosen<T>(T value, EngineChoice choice) {}

    /**
     * Walks the chain.
     *
     * @param attempts the world
     * @return the first engine that opened the version, and why it
     * @throws Exception when none could: the one failure itself when the chain had one engine (so a model on
     *     {@code pytorch} alone fails as it always did), else a {@link StoaException} {@code UNAVAILABLE} listing each
     *     engine's reason
     */
    <T> Chosen<T> choose(Attempts<T> attempts) throws Exception {
        List<String> passed = new ArrayList<>();
        Exception only = null;
        for (String name : engines) {
            EngineChoice choice = new EngineChoice(name, reason(passed, name));
            if (EngineChoice.PYTORCH.equals(name)) {
                try {
                    return new Chosen<>(attempts.openPytorch(choice), choice);
                } catch (Exception e) {
                    only = e;
                    passed.add(name + " failed to open: " + message(e));
                    continue;
                }
            }
            Optional<InferenceEngine> engine = attempts.engine(name);
            if (engine.isEmpty()) {
                passed.add(name + " not installed (no bundle registers an engine of that name)");
                continue;
            }
            Optional<String> unavailable = engine.get().unavailableReason();
            if (unavailable.isPresent()) {
                passed.add(name + " unavailable: " + unavailable.get());
                continue;
            }
            Optional<String> missing = attempts.missingGraphs();
            if (missing.isPresent()) {
                passed.add(name + " has no graph to run: " + missing.get());
                continue;
            }
            try {
                return new Chosen<>(attempts.openOn(engine.get(), choice), choice);
            } catch (Exception e) {
                only = e;
                passed.add(name + " failed to open the graphs: " + message(e));
            }
        }
        if (engines.size() == 1 && only != null) {
            throw only;
        }
        throw new StoaException(
                FailureCode.UNAVAILABLE,
                "no engine of the chain '" + spec() + "' can serve it: " + String.join("; ", passed)
                        + "; add an engine that can (pytorch needs nothing) to the chain in"
                        + " etc/dev.stoa.repository.cfg");
    }

    private String reason(List<String> passed, String chosen) {
        if (passed.isEmpty()) {
            return engines.size() == 1 ? "the only engine of the chain" : "first of the chain " + spec();
        }
        return String.join("; ", passed) + "; serving on " + chosen;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
