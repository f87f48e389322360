package dev.stoa.models.magic.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.nn.lm.HiddenStates;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The language model a MAGiC captioner decodes: the newest version of {@code data/models/<lm>/} as the
 * {@code gpt-captions} factory publishes it ({@code gpt.params}, {@code decoder.properties} with the {@code gpt}
 * factory's hyperparameters, {@code prompt.properties}), opened with the {@code gpt} factory and frozen (only read).
 * Each call asks the store for the newest version and opens a newer one when it appears, so retraining the language
 * model takes effect at the next caption, no restart; versions opened before stay open (a call may still be using
 * one) until the captioner closes.
 */
final class StoreLanguageModels implements AutoCloseable {

    static final String PARAMETERS = "gpt.params";
    static final String HYPERPARAMETERS = "decoder.properties";
    static final String PROMPT = "prompt.properties";

    /** A version, opened. */
    record Opened(HiddenStates model, NDManager manager, int promptLength, Path folder) {}

    /** Runs opening in DJL's engine class loader (the platform's {@code DjlRuntime::withEngineClassLoader}). */
    interface Engine {
        <T> T run(Callable<T> task) throws Exception;
    }

    private final ModelStore store;
    private final String lm;
    private final LanguageModelFactory factory;
    private final Engine engine;
    private final String engineName;
    private final String source;
    private final List<Opened> opened = new ArrayList<>();
    private Opened current;

    /**
     * @param store the model store
     * @param lm the language model's id
     * @param factory the {@code gpt} language-model factory
     * @param engine where opening runs
     * @param engineName the DJL engine, e.g. {@code PyTorch}
     * @param source the configuration file, for messages
     */
    StoreLanguageModels(
            ModelStore store,
            String lm,
            LanguageModelFactory factory,
            Engine engine,
            String engineName,
            String source) {
        this.store = store;
        this.lm = lm;
        this.factory = factory;
        this.engine = engine;
        this.engineName = engineName;
        this.source = source;
    }

    /**
     * @return the newest version, opened
     * @throws StoaException {@code UNTRAINED} naming the key {@code lm} and the training file when the store has no
     *     version; {@code BAD_CONFIG} when the version is not a language model MAGiC can decode
     */
    synchronized Opened current() {
        ModelStore.Version newest = store.latest(lm)
                .orElseThrow(() -> new StoaException(
                        FailureCode.UNTRAINED,
                        "MAGiC decodes the language model 'lm = " + lm + "' of " + source + ", which has no trained"
                                + " version in " + store.root() + "; train it (gpt-scene-captions: bin/stoa train"
                                + " bundles/models/magic/examples/train/gpt-scene-captions.yaml) or set 'lm' to a"
                                + " trained language model"));
        if (current != null && current.folder().equals(newest.path())) {
            return current;
        }
        Opened next = open(newest.path());
        opened.add(next);
        current = next;
        return next;
    }

    private Opened open(Path folder) {
        if (!Files.isRegularFile(folder.resolve(PARAMETERS)) || !Files.isRegularFile(folder.resolve(HYPERPARAMETERS))) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'lm = " + lm + "' of " + source + " names " + folder + ", which holds no " + PARAMETERS + " and "
                            + HYPERPARAMETERS + " (what the gpt-captions factory publishes); set 'lm' to a language"
                            + " model trained with model: {id: gpt-captions}");
        }
        try {
            return engine.run(() -> {
                Map<String, String> hyperparameters = properties(folder.resolve(HYPERPARAMETERS));
                LanguageModel model = factory.create(hyperparameters);
                if (!(model instanceof HiddenStates hidden)) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            "'lm = " + lm + "' of " + source + ": its decoder does not show its hidden states,"
                                    + " which contrastive search compares; use a gpt decoder");
                }
                NDManager manager = NDManager.newBaseManager(engineName);
                try {
                    model.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
                    ModelFiles.loadParameters(model, manager, folder.resolve(PARAMETERS));
                    Path prompt = folder.resolve(PROMPT);
                    int promptLength = Files.isRegularFile(prompt)
                            ? Integer.parseInt(properties(prompt)
                                    .getOrDefault("prompt_length", "0")
                                    .trim())
                            : 0;
                    return new Opened(hidden, manager, promptLength, folder);
                } catch (Exception | Error e) {
                    manager.close();
                    throw e;
                }
            });
        } catch (StoaException e) {
            throw e;
        } catch (Exception e) {
            throw new StoaException(
                    FailureCode.INTERNAL,
                    "cannot open the language model " + folder + " ('lm' of " + source + "): " + e.getMessage(),
                    e);
        }
    }

    private static Map<String, String> properties(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    @Override
    public synchronized void close() {
        for (Opened o : opened) {
            o.manager().close();
        }
        opened.clear();
        current = null;
    }
}
