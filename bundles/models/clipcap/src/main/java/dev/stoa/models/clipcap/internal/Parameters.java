package dev.stoa.models.clipcap.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.text.TokenBatch;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What both trainable models of this bundle do alike: parameter files and counts, token batches, options. */
final class Parameters {

    private Parameters() {
    }

    /** Reads a block's parameters from a DJL {@code saveParameters} file. */
    static void load(Block block, NDManager manager, Path file) throws IOException, MalformedModelException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(manager, in);
        }
    }

    /** Writes a block's parameters in DJL's {@code saveParameters} format. */
    static void save(Block block, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            block.saveParameters(out);
        }
    }

    /**
     * @param block an initialised block
     * @param trainedOnly count only parameters that require gradients (those the trainer optimises)
     * @return the number of scalars
     */
    static long count(Block block, boolean trainedOnly) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized() && (!trainedOnly || p.getValue().requiresGradient())) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /** @return the batch's ids, {@code (B, T)} int64 */
    static NDArray ids(NDManager manager, TokenBatch tokens) {
        return manager.create(tokens.flatIds(), new Shape(tokens.batchSize(), tokens.contextLength()));
    }

    /** @return up to {@code n} examples from the start of the split, skipped ones passed over */
    static List<Example> first(Dataset.Split split, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < split.size() && out.size() < n; i++) {
            Example e = split.get(i);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return a whole-number option of the training file's {@code evaluate} section, or the fallback */
    static int intOption(Map<String, ?> options, String key, int fallback) {
        Object v = options.get(key);
        return v == null ? fallback : Integer.parseInt(v.toString().trim());
    }
}
