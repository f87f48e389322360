package dev.stoa.models.fusion.internal;

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
 * A trained VisualBERT in a model store version folder: {@code visualbert.params} (DJL's {@code saveParameters}
 * format), {@code visualbert.properties} (the variant as trained) and {@code vocabulary.txt} (one word a line, word
 * {@code i} is id {@code 4 + i}; the mask token follows the last), so the serving side builds the same block.
 */
final class StoredVisualBert {

    static final String PARAMETERS = "visualbert.params";
    static final String CONFIG = "visualbert.properties";
    static final String VOCABULARY = "vocabulary.txt";

    private StoredVisualBert() {}

    static void save(Path dir, VisualBertConfig config, VisualBert model, FusionTokens tokens) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        tokens.words().save(dir.resolve(VOCABULARY));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "VisualBERT variant '" + config.name() + "' as trained");
        }
    }

    /** @return the variant a store version was trained as */
    static VisualBertConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        return VisualBertConfig.read(
                p.getProperty("name", "stored"), p, dir.resolve(CONFIG).toString());
    }

    /** @return the vocabulary a store version was trained with */
    static FusionTokens tokens(Path dir, VisualBertConfig config) throws IOException {
        return tokens(dir, config.textLength());
    }

    /** @return the vocabulary a store version (of either fusion encoder) was trained with */
    static FusionTokens tokens(Path dir, int textLength) throws IOException {
        return new FusionTokens(
                Files.readAllLines(dir.resolve(VOCABULARY)).stream()
                        .filter(l -> !l.isEmpty())
                        .toList(),
                textLength);
    }

    /**
     * @param dir a store version folder
     * @param config its {@link #config}
     * @param tokens its {@link #tokens}
     * @param manager where the parameters go
     * @return the model, loaded
     */
    static VisualBert open(Path dir, VisualBertConfig config, FusionTokens tokens, NDManager manager)
            throws IOException, MalformedModelException {
        VisualBert model = new VisualBert(config, tokens.vocabularySize());
        int s = config.imageSize();
        model.initialize(manager, DataType.FLOAT32, new Shape(1, config.textLength()), new Shape(1, 3, s, s));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
