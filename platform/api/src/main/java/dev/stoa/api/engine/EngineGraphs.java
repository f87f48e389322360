package dev.stoa.api.engine;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A model version's exported graphs, opened on the engine the platform chose for it: what a model bundle gets in
 * {@link dev.stoa.api.model.ModelProvider#open(dev.stoa.api.model.ModelSource, EngineGraphs)} to serve a version on
 * ONNX Runtime or TensorRT instead of its own PyTorch path. The platform owns the sessions: it closes them after the
 * opened model is closed, so the model must not close them itself.
 */
@ProviderType
public interface EngineGraphs {

    /** @return the engine the sessions run on, and why it was chosen */
    EngineChoice choice();

    /**
     * @return each exported graph's name and file: {@code model} for {@code model.onnx}, {@code image} for
     *     {@code model.image.onnx}
     */
    Map<String, Path> files();

    /** @return the names of the graphs, as {@link #files()} has them */
    default Set<String> graphs() {
        return files().keySet();
    }

    /**
     * @param graph a graph's name, e.g. {@code image}
     * @return its session
     * @throws StoaException {@code UNAVAILABLE} naming the graphs there are, when the version has no such graph (the
     *     export is older or incomplete: {@code bin/stoa export <model> <version>} writes it again)
     */
    EngineSession session(String graph);

    /**
     * @param graphs the graphs a model needs
     * @throws StoaException {@code UNAVAILABLE} naming the first one missing and the command that writes it
     */
    default void require(String... graphs) {
        for (String g : graphs) {
            if (!files().containsKey(g)) {
                throw new StoaException(
                        FailureCode.UNAVAILABLE,
                        "the exported graph '" + g + "' is missing (have " + files().keySet()
                                + "); write it with bin/stoa export <model> <version>");
            }
        }
    }
}
