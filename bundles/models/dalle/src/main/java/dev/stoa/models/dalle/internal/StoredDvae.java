package dev.stoa.models.dalle.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained discrete VAE in a model store version folder: {@code dvae.params} (DJL's {@code saveParameters} format)
 * and {@code dvae.properties} (the variant as trained).
 */
final class StoredDvae {

    static final String PARAMETERS = "dvae.params";
    static final String CONFIG = "dvae.properties";

    private StoredDvae() {}

    static void save(Path dir, DvaeConfig config, Dvae model) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "DALL-E dVAE variant '" + config.name() + "' as trained");
        }
    }

    /** @return the variant a store version was trained as */
    static DvaeConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        String name = p.getProperty("name", "stored");
        p.remove("name");
        return DvaeConfig.read(name, p, dir.resolve(CONFIG).toString());
    }

    /**
     * @param dir a store version folder of a {@code dalle-dvae-*} model
     * @param manager where the parameters go
     * @return the dVAE, loaded
     */
    static Dvae open(Path dir, NDManager manager) throws IOException, MalformedModelException {
        DvaeConfig config = config(dir);
        Dvae model = new Dvae(config);
        initialize(model, manager);
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }

    static void initialize(Dvae model, NDManager manager) {
        int s = model.config().imageSize();
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s), new Shape(1));
    }
}
