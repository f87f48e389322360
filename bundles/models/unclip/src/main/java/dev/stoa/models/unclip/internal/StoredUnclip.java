package dev.stoa.models.unclip.internal;

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
 * A trained unCLIP version in the model store: {@value #PARAMETERS} (the prior and the decoder) and {@value #CONFIG}
 * (the variant as trained, with {@value #DIMENSION}, the size of the CLIP embeddings it was trained on). CLIP itself is
 * not stored: it is called, frozen, by its services ({@code clip_model}).
 */
final class StoredUnclip {

    static final String PARAMETERS = "unclip.params";
    static final String CONFIG = "unclip.properties";
    static final String DIMENSION = "clip_dimension";

    private StoredUnclip() {}

    static void save(Path dir, UnclipConfig config, Unclip model) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        Properties p = config.toProperties();
        p.setProperty(DIMENSION, Integer.toString(model.dimension()));
        ModelFiles.writeProperties(dir.resolve(CONFIG), p, "unCLIP as trained");
    }

    /** A stored version's variant and CLIP embedding size. */
    record Read(UnclipConfig config, int dimension) {}

    /**
     * @param dir a version folder
     * @return its variant as trained
     * @throws StoaException BAD_CONFIG when the file cannot be read
     */
    static Read read(Path dir) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "cannot read " + dir.resolve(CONFIG) + " (" + e.getMessage() + "); train it again",
                    e);
        }
        String dimension = (String) p.remove(DIMENSION);
        if (dimension == null || !dimension.matches("[1-9][0-9]{0,4}")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    dir.resolve(CONFIG) + " has no valid " + DIMENSION + " (" + dimension + "); train it again");
        }
        return new Read(
                UnclipConfig.read(
                        p.getProperty("name", "tiny"), p, dir.resolve(CONFIG).toString()),
                Integer.parseInt(dimension));
    }

    /**
     * @param dir the version folder
     * @param read its variant, read
     * @param manager where the weights live
     * @return the model with its trained weights
     */
    static Unclip open(Path dir, Read read, NDManager manager) throws IOException, MalformedModelException {
        Unclip model = new Unclip(read.config(), read.dimension());
        model.initialize(manager, DataType.FLOAT32, UnclipTrainable.shapes(read.config(), read.dimension()));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
