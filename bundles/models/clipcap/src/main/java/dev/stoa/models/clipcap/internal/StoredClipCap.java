package dev.stoa.models.clipcap.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.train.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained ClipCap in a model store version folder: {@code clipcap.params} (mapper and decoder, DJL's
 * {@code saveParameters} format) and {@code clipcap.properties} (the variant with the decoder's hyperparameters as
 * trained), so the serving side builds the same block and loads it without the training's pretrained decoder.
 */
final class StoredClipCap {

    static final String PARAMETERS = "clipcap.params";
    static final String CONFIG = "clipcap.properties";

    private StoredClipCap() {}

    static void save(Path dir, ClipCapConfig config, ClipCap model) throws IOException {
        ModelFiles.saveParameters(model, dir.resolve(PARAMETERS));
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.toProperties().store(out, "ClipCap variant '" + config.name() + "' as trained");
        }
    }

    /** @return the variant a store version was trained as */
    static ClipCapConfig config(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        return ClipCapConfig.read(
                p.getProperty("name", "stored"), p, dir.resolve(CONFIG).toString());
    }

    /**
     * @param dir a store version folder
     * @param config its {@link #config}
     * @param decoders the {@code gpt} factory
     * @param embeddingSize E of the CLIP it was trained on
     * @param manager where the parameters go
     * @return the model, loaded
     */
    static ClipCap open(
            Path dir, ClipCapConfig config, LanguageModelFactory decoders, int embeddingSize, NDManager manager)
            throws IOException, MalformedModelException {
        ClipCap model = new ClipCap(config, decoders.create(config.decoder()));
        model.initialize(manager, DataType.FLOAT32, new Shape(1, embeddingSize), new Shape(1, config.captionLength()));
        ModelFiles.loadParameters(model, manager, dir.resolve(PARAMETERS));
        return model;
    }
}
