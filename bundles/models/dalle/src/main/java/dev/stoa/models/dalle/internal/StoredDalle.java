package dev.stoa.models.dalle.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained DALL-E transformer in a model store version folder: {@code dalle.params} (DJL's {@code saveParameters}
 * format) and {@code dalle.properties} (the variant as trained, with {@code dvae_model} and {@code dvae_version}: the
 * discrete VAE it was trained on, which stays in the store as its own model and is not copied).
 */
final class StoredDalle {

    static final String PARAMETERS = "dalle.params";
    static final String CONFIG = "dalle.properties";
    /** The training file that trains the discrete VAE, for messages. */
    static final String DVAE_FILE = "bundles/models/dalle/examples/train/dalle-dvae-tiny.yaml";

    private StoredDalle() {}

    static void save(Path dir, DalleConfig config, Dalle model) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "DALL-E variant '" + config.name() + "' as trained");
        }
    }

    /** @return the variant a store version was trained as */
    static DalleConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        String name = p.getProperty("name", "stored");
        p.remove("name");
        return DalleConfig.read(name, p, dir.resolve(CONFIG).toString());
    }

    /**
     * @param store the model store
     * @param modelId a {@code dalle-dvae-*} id
     * @param version a version, or 0 for the newest
     * @param option how messages name the setting, e.g. {@code model.dvae_model}
     * @return the version's folder
     * @throws StoaException BAD_CONFIG naming the option when it is not in the store
     */
    static Path dvaeFolder(ModelStore store, String modelId, int version, String option) {
        Path dir = version > 0
                ? store.root().resolve(modelId).resolve(Integer.toString(version))
                : store.latest(modelId).map(ModelStore.Version::path).orElse(null);
        if (dir == null || !Files.isRegularFile(dir.resolve(StoredDvae.CONFIG))) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    option + ": '" + modelId + "'" + (version > 0 ? " version " + version : "") + " is not in the model"
                            + " store (" + store.root() + "); train it first: bin/stoa train " + DVAE_FILE);
        }
        return dir;
    }

    /**
     * @param dir a {@code dalle-*} version folder
     * @param config its {@link #config}
     * @param dvae the dVAE it was trained on, loaded
     * @param manager where the parameters go
     * @return the transformer, loaded
     */
    static Dalle open(Path dir, DalleConfig config, Dvae dvae, NDManager manager)
            throws IOException, MalformedModelException {
        Dalle model = create(config, dvae.config());
        initialize(model, manager);
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }

    static Dalle create(DalleConfig config, DvaeConfig dvae) {
        return new Dalle(
                config, new ByteTokenizer(config.textLength()).vocabularySize(), dvae.codebook(), dvae.tokens());
    }

    static void initialize(Dalle model, NDManager manager) {
        model.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(1, model.config().textLength()),
                new Shape(1, model.imageTokens()));
    }
}
