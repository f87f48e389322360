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
 * A trained ViLBERT in a model store version folder, as {@link StoredVisualBert} stores VisualBERT:
 * {@code vilbert.params}, {@code vilbert.properties} (the variant as trained) and {@code vocabulary.txt}.
 */
final class StoredVilbert {

    static final String PARAMETERS = "vilbert.params";
    static final String CONFIG = "vilbert.properties";

    private StoredVilbert() {}

    static void save(Path dir, VilbertConfig config, Vilbert model, FusionTokens tokens) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        tokens.words().save(dir.resolve(StoredVisualBert.VOCABULARY));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "ViLBERT variant '" + config.name() + "' as trained");
        }
    }

    /** @return the variant a store version was trained as */
    static VilbertConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        return VilbertConfig.read(
                p.getProperty("name", "stored"), p, dir.resolve(CONFIG).toString());
    }

    /**
     * @param dir a store version folder
     * @param manager where the parameters go
     * @return the version's model, loaded, and its tokens
     */
    static FusionInference open(String modelId, Path dir, NDManager manager)
            throws IOException, MalformedModelException {
        VilbertConfig config = config(dir);
        FusionTokens tokens = StoredVisualBert.tokens(dir, config.textLength());
        Vilbert model = new Vilbert(config, tokens.vocabularySize());
        int s = config.imageSize();
        model.initialize(manager, DataType.FLOAT32, new Shape(1, config.textLength()), new Shape(1, 3, s, s));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return new FusionInference(modelId, model, tokens, manager);
    }
}
