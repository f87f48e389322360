package dev.stoa.nn.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The files a model store version is made of, as {@link TrainableModel#save} writes them and the serving bundle
 * reads them back: a block's parameters in DJL's {@code saveParameters} format, and properties files such as the
 * {@code variant.properties} that say how to rebuild the block.
 */
public final class ModelFiles {

    /** The name serving bundles read a version's hyperparameters from. */
    public static final String VARIANT = "variant.properties";

    private ModelFiles() {}

    /**
     * @param block an initialised block
     * @param file where its parameters go
     * @throws IOException if the file cannot be written
     */
    public static void saveParameters(Block block, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            block.saveParameters(out);
        }
    }

    /**
     * @param block a block of the same structure, initialised
     * @param manager where the loaded arrays live
     * @param file parameters {@link #saveParameters} wrote
     * @throws IOException if the file cannot be read
     * @throws MalformedModelException if it does not fit the block
     */
    public static void loadParameters(Block block, NDManager manager, Path file)
            throws IOException, MalformedModelException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(manager, in);
        }
    }

    /**
     * Writes a properties file, values as text.
     *
     * @param file e.g. {@code dir.resolve(ModelFiles.VARIANT)}
     * @param values the keys and values (a {@link Properties} too)
     * @param comment the file's first line: what it is and for which model
     * @throws IOException if the file cannot be written
     */
    public static void writeProperties(Path file, Map<?, ?> values, String comment) throws IOException {
        Properties p = new Properties();
        values.forEach((k, v) -> p.setProperty(String.valueOf(k), String.valueOf(v)));
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, comment);
        }
    }
}
