package dev.stoa.models.sam.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained SAM in a model store version folder: {@code sam.params} (DJL's {@code saveParameters} format) and
 * {@code sam.properties} (the variant as trained).
 */
final class StoredSam {

    static final String PARAMETERS = "sam.params";
    static final String CONFIG = "sam.properties";

    private StoredSam() {}

    static void save(Path dir, SamConfig config, Sam model) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "SAM variant '" + config.name() + "' as trained");
        }
    }

    /** @return the variant a store version was trained as */
    static SamConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        String name = p.getProperty("name", "stored");
        p.remove("name");
        return SamConfig.read(name, p, dir.resolve(CONFIG).toString());
    }

    /** @return the model, its parameters loaded into {@code manager} */
    static Sam open(Path dir, SamConfig config, NDManager manager) throws IOException, MalformedModelException {
        Sam model = new Sam(config);
        model.initialize(manager, DataType.FLOAT32, model.inputShapes(3));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
