package dev.stoa.models.merlot.internal;

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
 * A trained MERLOT in a model store version folder: {@code merlot.params} (DJL's {@code saveParameters} format),
 * {@code merlot.properties} (the variant as trained) and {@code vocabulary.txt} (one word a line, word {@code i} is id
 * {@code 4 + i}; the mask token follows the last), so the serving side builds the same block.
 */
final class StoredMerlot {

    static final String PARAMETERS = "merlot.params";
    static final String CONFIG = "merlot.properties";
    static final String VOCABULARY = "vocabulary.txt";

    private StoredMerlot() {}

    static void save(Path dir, MerlotConfig config, Merlot model, MerlotTokens tokens) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        tokens.words().save(dir.resolve(VOCABULARY));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "MERLOT variant '" + config.name() + "' as trained");
        }
    }

    static MerlotConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        return MerlotConfig.read(
                p.getProperty("name", "stored"), p, dir.resolve(CONFIG).toString());
    }

    static MerlotTokens tokens(Path dir, MerlotConfig config) throws IOException {
        return new MerlotTokens(
                Files.readAllLines(dir.resolve(VOCABULARY)).stream()
                        .filter(l -> !l.isEmpty())
                        .toList(),
                config.textLength());
    }

    static Merlot open(Path dir, MerlotConfig config, MerlotTokens tokens, NDManager manager)
            throws IOException, MalformedModelException {
        Merlot model = new Merlot(config, tokens.vocabularySize());
        model.initialize(manager, DataType.FLOAT32, MerlotTrainable.inputShapes(config));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
