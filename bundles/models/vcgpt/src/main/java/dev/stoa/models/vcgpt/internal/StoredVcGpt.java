package dev.stoa.models.vcgpt.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained VC-GPT version in the model store: {@value #PARAMETERS} (the fusion module alone) and {@value #CONFIG}
 * (the variant as trained, with {@code lm_version} and the grid's {@code grid_tokens} x {@code grid_width}). The
 * frozen language model is not copied: {@link #open} loads the recorded version of {@code lm_model} from the store,
 * and the frozen CLIP answers through its service.
 */
final class StoredVcGpt {

    static final String PARAMETERS = "fusion.params";
    static final String CONFIG = "vcgpt.properties";

    private StoredVcGpt() {}

    /**
     * @param dir the version folder being published
     * @param config the variant, with the LM version
     * @param model the trained model
     * @param tokens N
     * @param width C
     * @throws IOException if a file cannot be written
     */
    static void save(Path dir, VcGptConfig config, VcGpt model, int tokens, int width) throws IOException {
        ModelFiles.saveParameters(model.fusion(), dir.resolve(PARAMETERS));
        Properties p = config.toProperties();
        p.setProperty("variant", config.name());
        p.setProperty("grid_tokens", Integer.toString(tokens));
        p.setProperty("grid_width", Integer.toString(width));
        ModelFiles.writeProperties(dir.resolve(CONFIG), p, "VC-GPT as trained");
    }

    /** A version's files, read. */
    record Version(VcGptConfig config, int tokens, int width) {}

    /**
     * @param dir a version folder
     * @return its variant and grid shape
     */
    static Version read(Path dir) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "cannot read " + dir.resolve(CONFIG) + " (" + e.getMessage() + "); train it again",
                    e);
        }
        String name = (String) p.remove("variant");
        int tokens = Integer.parseInt(((String) p.remove("grid_tokens")).trim());
        int width = Integer.parseInt(((String) p.remove("grid_width")).trim());
        return new Version(
                VcGptConfig.read(
                        name == null ? "tiny" : name, p, dir.resolve(CONFIG).toString()),
                tokens,
                width);
    }

    /**
     * Builds the model of a version: the recorded language model from the store, frozen, and the fusion module's
     * weights.
     *
     * @param dir the version folder
     * @param version its files, read
     * @param store the model store, for the language model
     * @param factory the language model's factory
     * @param manager where the weights live
     * @return the model, ready
     */
    static VcGpt open(Path dir, Version version, ModelStore store, LanguageModelFactory factory, NDManager manager)
            throws IOException, MalformedModelException {
        VcGptConfig c = version.config();
        PretrainedLanguageModel lm = PretrainedLanguageModel.version(
                store, c.lmModel(), c.lmVersion(), "model.lm_model", VcGptFactory.LM_FILE);
        VcGpt model = new VcGpt(c, lm.create(factory), lm.promptLength());
        model.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(1, version.tokens(), version.width()),
                new Shape(1, c.captionLength()));
        lm.loadFrozen(model.lm(), manager);
        ModelFiles.loadParameters(model.fusion(), manager, dir.resolve(PARAMETERS));
        return model;
    }
}
