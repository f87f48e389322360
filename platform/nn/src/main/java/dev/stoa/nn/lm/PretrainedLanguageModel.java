package dev.stoa.nn.lm;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A language model pretrained by the platform and published in the model store, as the models that build on a
 * frozen one find and load it (ClipCap's transformer variant, VC-GPT, and the other models that give a language model
 * eyes): one version folder holding
 *
 * <pre>
 * gpt.params           the decoder's parameters (DJL's saveParameters format)     {@value #PARAMETERS}
 * decoder.properties   the language-model factory's hyperparameters              {@value #HYPERPARAMETERS}
 * prompt.properties    prompt_length P: a text prompt of P tokens before each    {@value #PROMPT}
 *                      caption in pretraining (0, or no file: none)
 * variant.properties   the hyperparameters and the byte tokenizer as a gpt variant, so the gpt bundle also serves
 *                      it as a text generator ({@link #save} writes it)
 * </pre>
 *
 * <p>{@link #create} builds the block with the factory that made it; {@link #load} loads the weights into it and
 * {@link #loadFrozen} also freezes them, so a trainer (which optimises only parameters that require gradients)
 * leaves the language model as it was published. Every failure is {@code BAD_CONFIG} naming the option that chose
 * the model and the training file that makes it again. The language model is shared, not copied: a model that
 * builds on it records {@link #modelId()} and {@link #version()} and reloads that version from the store.
 *
 * @param modelId the store id, e.g. {@code gpt-captions}
 * @param version the version number in the store
 * @param folder the version's folder
 * @param hyperparameters the factory's hyperparameters as pretrained
 * @param promptLength P, the prompt positions before each caption in pretraining
 * @param option the training-file option that named it (e.g. {@code model.decoder_model}), for messages
 * @param trainingFile the training file that makes it, for messages
 */
public record PretrainedLanguageModel(
        String modelId,
        int version,
        Path folder,
        Map<String, String> hyperparameters,
        int promptLength,
        String option,
        String trainingFile) {

    /** The decoder's parameters in a version folder. */
    public static final String PARAMETERS = "gpt.params";
    /** The factory's hyperparameters in a version folder. */
    public static final String HYPERPARAMETERS = "decoder.properties";
    /** The pretraining prompt length in a version folder. */
    public static final String PROMPT = "prompt.properties";

    public PretrainedLanguageModel {
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    /**
     * The newest published version of a language model.
     *
     * @param store the model store
     * @param modelId its id, e.g. {@code gpt-captions}
     * @param option the option that named it, e.g. {@code model.decoder_model}
     * @param trainingFile the training file that makes it
     * @return the model's files, read
     * @throws StoaException {@code BAD_CONFIG} saying to train it first when the store has none
     */
    public static PretrainedLanguageModel latest(ModelStore store, String modelId, String option, String trainingFile) {
        ModelStore.Version v = store.latest(modelId)
                .orElseThrow(() -> new StoaException(
                        FailureCode.BAD_CONFIG,
                        option + ": '" + modelId + "' is not in the model store (" + store.root()
                                + "); pretrain it first: bin/stoa train " + trainingFile));
        return read(modelId, v.number(), v.path(), option, trainingFile);
    }

    /**
     * One version of a language model, as a model trained on it recorded.
     *
     * @param store the model store
     * @param modelId its id
     * @param version the version number
     * @param option the option that named it
     * @param trainingFile the training file that makes it
     * @return the model's files, read
     * @throws StoaException {@code BAD_CONFIG} when that version is gone from the store
     */
    public static PretrainedLanguageModel version(
            ModelStore store, String modelId, int version, String option, String trainingFile) {
        Path folder = store.root().resolve(modelId).resolve(Integer.toString(version));
        if (!Files.isRegularFile(folder.resolve(PARAMETERS))) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    option + ": version " + version + " of '" + modelId + "' is not in the model store (" + folder
                            + " has no " + PARAMETERS + "); a model is trained on one version of its language"
                            + " model: train it again on the newest (after bin/stoa train " + trainingFile + ")");
        }
        return read(modelId, version, folder, option, trainingFile);
    }

    /**
     * @param modelId the store id
     * @param version the version number
     * @param folder a version folder with the three files
     * @param option the option that named it
     * @param trainingFile the training file that makes it
     * @return the model's files, read
     * @throws StoaException {@code BAD_CONFIG} when {@value #HYPERPARAMETERS} cannot be read
     */
    public static PretrainedLanguageModel read(
            String modelId, int version, Path folder, String option, String trainingFile) {
        Map<String, String> hyperparameters = properties(folder.resolve(HYPERPARAMETERS), option, trainingFile);
        int prompt = 0;
        if (Files.isRegularFile(folder.resolve(PROMPT))) {
            String p = properties(folder.resolve(PROMPT), option, trainingFile)
                    .getOrDefault("prompt_length", "0")
                    .trim();
            try {
                prompt = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        option + ": " + folder.resolve(PROMPT) + " says prompt_length is '" + p
                                + "', not a whole number; pretrain it again: bin/stoa train " + trainingFile);
            }
        }
        return new PretrainedLanguageModel(modelId, version, folder, hyperparameters, prompt, option, trainingFile);
    }

    /**
     * @param factory the factory that made it ({@code stoa.id=gpt})
     * @return a new, uninitialised block of its hyperparameters
     */
    public LanguageModel create(LanguageModelFactory factory) {
        return factory.create(hyperparameters);
    }

    /**
     * Loads the published weights into a block {@link #create} made, initialised.
     *
     * @param decoder the block
     * @param manager where the weights live
     * @throws StoaException {@code BAD_CONFIG} when the file does not fit or cannot be read
     */
    public void load(Block decoder, NDManager manager) {
        Path file = folder.resolve(PARAMETERS);
        try {
            ModelFiles.loadParameters(decoder, manager, file);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    option + ": cannot load " + file + " (" + e.getMessage() + "); pretrain it again: bin/stoa train "
                            + trainingFile,
                    e);
        }
    }

    /**
     * {@link #load}, then freezes every parameter of the block: none requires a gradient, so a trainer leaves them
     * bit-identical.
     *
     * @param decoder the block
     * @param manager where the weights live
     */
    public void loadFrozen(Block decoder, NDManager manager) {
        load(decoder, manager);
        decoder.freezeParameters(true);
    }

    /**
     * Writes a version folder's three files, as a pretraining run publishes them.
     *
     * @param dir the version folder
     * @param decoder the trained block
     * @param hyperparameters its factory's hyperparameters
     * @param promptLength P
     * @param modelId the model's id, for the files' comments
     * @throws IOException if a file cannot be written
     */
    public static void save(
            Path dir, Block decoder, Map<String, String> hyperparameters, int promptLength, String modelId)
            throws IOException {
        ModelFiles.saveParameters(decoder, dir.resolve(PARAMETERS));
        ModelFiles.writeProperties(dir.resolve(HYPERPARAMETERS), hyperparameters, "gpt hyperparameters of " + modelId);
        ModelFiles.writeProperties(
                dir.resolve(PROMPT),
                Map.of("prompt_length", promptLength),
                "the label prompt before each caption in pretraining; 0: none");
        // the same hyperparameters as a gpt variant with its byte tokenizer, so the gpt bundle also serves the
        // published model as a text generator (gpt-captions: its captions from a prompt)
        Map<String, String> variant = new LinkedHashMap<>(hyperparameters);
        variant.put("tokenizer", "bytes");
        ModelFiles.writeProperties(
                dir.resolve(ModelFiles.VARIANT), variant, "the gpt variant of " + modelId + ", for serving it");
    }

    private static Map<String, String> properties(Path file, String option, String trainingFile) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    option + ": cannot read " + file + " (" + e.getMessage() + "); pretrain it again: bin/stoa train "
                            + trainingFile,
                    e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }
}
