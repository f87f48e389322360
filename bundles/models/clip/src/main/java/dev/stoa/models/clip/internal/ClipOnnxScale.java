package dev.stoa.models.clip.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.OpenedModel;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The one number of CLIP that is in neither tower: the learned logit scale exp(t) (capped at 100), which zero-shot
 * multiplies the cosines by before its softmax. Written as {@value #FILE} next to the exported towers, so a version
 * served on an engine answers the same probabilities as on PyTorch.
 */
final class ClipOnnxScale {

    /** The file, in the version folder. */
    static final String FILE = "model.clip.properties";

    private ClipOnnxScale() {}

    /**
     * @param exportable the opened model, which exports its towers ({@link ClipOnnxExport})
     * @param clip the model it serves
     * @return the same, whose export also writes {@value #FILE}
     */
    static OpenedModel withScale(OpenedModel exportable, ClipInference clip) {
        return new WithScale(exportable, clip);
    }

    private record WithScale(OpenedModel opened, ClipInference clip) implements OpenedModel, OnnxExport {
        @Override
        public List<ModelService> services() {
            return opened.services();
        }

        @Override
        public void close() {
            opened.close();
        }

        @Override
        public Map<String, Path> exportOnnx(Path folder) throws Exception {
            Map<String, Path> files = ((OnnxExport) opened).exportOnnx(folder);
            write(folder, clip.model().scale());
            return files;
        }
    }

    /** Writes the scale (to a temporary file, moved into place). */
    static void write(Path folder, float scale) throws IOException {
        Properties p = new Properties();
        p.setProperty("logit_scale", Float.toString(scale));
        Path tmp = folder.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "CLIP's logit scale exp(t), for serving the exported towers");
        }
        Files.move(tmp, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @param folder a version folder
     * @return its logit scale
     * @throws StoaException {@code UNAVAILABLE} when the file is missing or unreadable, naming the command that writes it
     */
    static float read(Path folder) {
        Path file = folder.resolve(FILE);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            float scale = Float.parseFloat(p.getProperty("logit_scale", "").trim());
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw new NumberFormatException("logit_scale is " + scale);
            }
            return scale;
        } catch (IOException | NumberFormatException e) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    file + " is missing or has no positive logit_scale (" + e.getMessage() + "); export the version"
                            + " again with bin/stoa export <model> <version>");
        }
    }
}
