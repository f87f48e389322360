package dev.stoa.models.glide.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained GLIDE version in the model store: {@value #PARAMETERS} (the caption encoder, the null condition and the
 * U-Net) and {@value #CONFIG} (the variant as trained). The vocabulary is fixed ({@link CaptionVocabulary}).
 */
final class StoredGlide {

    static final String PARAMETERS = "glide.params";
    static final String CONFIG = "glide.properties";

    private StoredGlide() {}

    static void save(Path dir, GlideConfig config, Glide model) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        ModelFiles.writeProperties(dir.resolve(CONFIG), config.toProperties(), "GLIDE as trained");
    }

    /**
     * @param dir a version folder
     * @return its variant as trained
     * @throws StoaException BAD_CONFIG when the file cannot be read
     */
    static GlideConfig read(Path dir) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "cannot read " + dir.resolve(CONFIG) + " (" + e.getMessage() + "); train it again",
                    e);
        }
        return GlideConfig.read(
                p.getProperty("name", "tiny"), p, dir.resolve(CONFIG).toString());
    }

    /**
     * @param dir the version folder
     * @param config its variant, read
     * @param manager where the weights live
     * @return the model with its trained weights
     */
    static Glide open(Path dir, GlideConfig config, NDManager manager) throws IOException, MalformedModelException {
        Glide model = GlideFactory.model(config);
        model.initialize(manager, DataType.FLOAT32, GlideTrainable.shapes(config));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
