package dev.stoa.models.simvlm.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.nn.text.WordTokenizer;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained SimVLM in a model store version folder: {@code simvlm.params} (DJL's {@code saveParameters} format),
 * {@code simvlm.properties} (the variant as trained) and {@code vocabulary.txt} (one word a line, word {@code i} is
 * id {@code 4 + i}), so the serving side builds the same block.
 */
final class StoredSimVlm {

    static final String PARAMETERS = "simvlm.params";
    static final String CONFIG = "simvlm.properties";
    static final String VOCABULARY = "vocabulary.txt";

    private StoredSimVlm() {}

    static void save(Path dir, SimVlmConfig config, SimVlm model, WordTokenizer words) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        words.save(dir.resolve(VOCABULARY));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "SimVLM variant '" + config.name() + "' as trained");
        }
    }

    /** @return the variant a store version was trained as */
    static SimVlmConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        return SimVlmConfig.read(
                p.getProperty("name", "stored"), p, dir.resolve(CONFIG).toString());
    }

    /** @return the vocabulary a store version was trained with */
    static WordTokenizer words(Path dir, SimVlmConfig config) throws IOException {
        return WordTokenizer.load(dir.resolve(VOCABULARY), config.textLength());
    }

    /** @return the model, its parameters loaded into {@code manager} */
    static SimVlm open(Path dir, SimVlmConfig config, WordTokenizer words, NDManager manager)
            throws IOException, MalformedModelException {
        SimVlm model = new SimVlm(config, words.vocabularySize());
        int s = config.imageSize();
        model.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(1, 3, s, s),
                new Shape(1, config.maxWords()),
                new Shape(1),
                new Shape(1, config.textLength()));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
