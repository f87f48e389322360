package dev.stoa.models.coca.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A trained CoCa in a model store version folder: {@code coca.params} (DJL's {@code saveParameters} format),
 * {@code coca.properties} (the variant as trained, with the learned {@code logit_scale}), and the dataset's labels
 * and prompt templates ({@code classes.txt}, {@code templates.txt}), the zero-shot service's defaults, as the clip
 * bundle keeps them.
 */
final class StoredCoca {

    static final String PARAMETERS = "coca.params";
    static final String CONFIG = "coca.properties";
    static final String CLASSES = "classes.txt";
    static final String TEMPLATES = "templates.txt";

    private StoredCoca() {}

    static void save(Path dir, CocaConfig config, Coca model, Dataset dataset) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "CoCa variant '" + config.name() + "' as trained");
        }
        if (dataset != null && !dataset.labels().isEmpty()) {
            Files.write(dir.resolve(CLASSES), dataset.labels());
            Files.write(dir.resolve(TEMPLATES), dataset.promptTemplates());
        }
    }

    /** @return the variant a store version was trained as */
    static CocaConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        return CocaConfig.read(
                p.getProperty("name", "stored"), p, dir.resolve(CONFIG).toString());
    }

    /** @return the lines of {@code file} in {@code dir}, none if it is absent */
    static List<String> lines(Path dir, String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.isRegularFile(p)
                ? Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList()
                : List.of();
    }

    /**
     * @param dir a store version folder
     * @param config its {@link #config}
     * @param imageEncoder a fresh image encoder of the variant's hyperparameters
     * @param vocabularySize V
     * @param manager where the parameters go
     * @return the model, loaded
     */
    static Coca open(Path dir, CocaConfig config, Block imageEncoder, int vocabularySize, NDManager manager)
            throws IOException, MalformedModelException {
        Coca model = new Coca(config, vocabularySize, imageEncoder);
        int s = config.imageSize();
        model.initialize(
                manager, DataType.FLOAT32, new Shape(1, 3, s, s), new Shape(1, config.textLength()), new Shape(1));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
