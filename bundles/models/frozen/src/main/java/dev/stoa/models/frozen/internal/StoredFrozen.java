package dev.stoa.models.frozen.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained Frozen version in the model store: {@value #PARAMETERS} (the vision encoder and its map to the prefix, all
 * that trained) and {@value #CONFIG} (the variant as trained, with {@code lm_version}). The frozen language model is
 * not copied: {@link #open} loads the recorded version of {@code lm_model} from the store.
 */
final class StoredFrozen {

    static final String PARAMETERS = "vision.params";
    static final String CONFIG = "frozen.properties";

    private StoredFrozen() {}

    /**
     * @param dir the version folder being published
     * @param config the variant, with the LM version
     * @param model the trained model
     * @throws IOException if a file cannot be written
     */
    static void save(Path dir, FrozenConfig config, Frozen model) throws IOException {
        ModelFiles.saveParameters(model.vision(), dir.resolve(PARAMETERS));
        ModelFiles.writeProperties(dir.resolve(CONFIG), config.toProperties(), "Frozen as trained");
    }

    /**
     * @param dir a version folder
     * @return its variant as trained
     * @throws StoaException BAD_CONFIG when the file cannot be read
     */
    static FrozenConfig read(Path dir) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "cannot read " + dir.resolve(CONFIG) + " (" + e.getMessage() + "); train it again",
                    e);
        }
        String name = p.getProperty("name", "tiny");
        return FrozenConfig.read(name, p, dir.resolve(CONFIG).toString());
    }

    /**
     * Builds the model of a version: the recorded language model from the store, frozen, and the vision side's
     * weights.
     *
     * @param dir the version folder
     * @param config its variant, read
     * @param store the model store, for the language model
     * @param factory the language model's factory
     * @param resnet the ResNet image encoder factory
     * @param manager where the weights live
     * @return the model, ready
     */
    static Frozen open(
            Path dir,
            FrozenConfig config,
            ModelStore store,
            LanguageModelFactory factory,
            EncoderFactory resnet,
            NDManager manager)
            throws IOException, MalformedModelException {
        PretrainedLanguageModel lm = PretrainedLanguageModel.version(
                store, config.lmModel(), config.lmVersion(), "model.lm_model", FrozenFactory.LM_FILE);
        Frozen model = FrozenFactory.model(config, lm, factory, resnet);
        model.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(1, 3, config.imageSize(), config.imageSize()),
                new Shape(1, config.captionLength()));
        lm.loadFrozen(model.lm(), manager);
        ModelFiles.loadParameters(model.vision(), manager, dir.resolve(PARAMETERS));
        return model;
    }
}
