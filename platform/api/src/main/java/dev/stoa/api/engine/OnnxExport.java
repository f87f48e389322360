package dev.stoa.api.engine;

import java.nio.file.Path;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by an opened model ({@link dev.stoa.api.model.OpenedModel}) whose graphs can be written as ONNX files,
 * so that the platform can export each published version ({@code data/models/<id>/<n>/}) and serve it on another
 * engine than PyTorch.
 */
@ConsumerType
public interface OnnxExport {

    /**
     * Writes the model's graphs. A model of one graph writes {@code model.onnx}; a model of several writes
     * {@code model.<graph>.onnx} each (e.g. {@code model.image.onnx} and {@code model.text.onnx} for CLIP's towers).
     * Files are written to a temporary name and moved into place, so that a reader never sees half a file.
     *
     * @param folder where to write them
     * @return each graph's name and file
     * @throws Exception when a graph cannot be exported; the message names the block that has no ONNX form
     */
    Map<String, Path> exportOnnx(Path folder) throws Exception;
}
