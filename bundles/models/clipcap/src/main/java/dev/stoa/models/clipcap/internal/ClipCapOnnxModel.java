package dev.stoa.models.clipcap.internal;

import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.lm.DecoderExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One opened ClipCap version that can also be written as ONNX, in two graphs: {@code model.mapper.onnx} (CLIP image
 * embedding -> K prefix embeddings, {@link MapperGraphs}) and {@code model.decoder.onnx} (its GPT decoder with a
 * {@code prefix} input and the key/value cache as inputs and outputs, {@code dev.stoa.nn.onnx.DecoderGraphs}). A
 * caption is: the mapper once, the decoder once with the prefix and the start token ({@code past} empty), then once
 * per token with {@code prefix [batch, 0, D]} and the cache fed back. The CLIP tower is CLIP's own export.
 */
final class ClipCapOnnxModel implements OpenedModel, OnnxExport {

    private final List<ModelService> services;
    private final ClipCapCaptioner captioner;
    private final DjlRuntime engine;

    /**
     * @param services the version's services
     * @param captioner the opened model they serve
     * @param engine DJL, whose engine class loader the export runs in
     */
    ClipCapOnnxModel(List<ModelService> services, ClipCapCaptioner captioner, DjlRuntime engine) {
        this.services = List.copyOf(services);
        this.captioner = captioner;
        this.engine = engine;
    }

    @Override
    public List<ModelService> services() {
        return services;
    }

    @Override
    public Map<String, Path> exportOnnx(Path folder) throws Exception {
        return engine.withEngineClassLoader(
                () -> export(captioner.model(), captioner.config(), captioner.embeddingSize(), folder));
    }

    /**
     * @param model an initialised ClipCap
     * @param config its variant
     * @param embeddingSize E, the CLIP embedding's width
     * @param folder where the files go
     * @return {@code mapper} and {@code decoder}, and their files
     * @throws IOException if a file cannot be written
     * @throws IllegalArgumentException if the decoder has no ONNX form
     */
    static Map<String, Path> export(ClipCap model, ClipCapConfig config, int embeddingSize, Path folder)
            throws IOException {
        if (!(model.decoder() instanceof DecoderExport decoder)) {
            throw new IllegalArgumentException(
                    "the decoder " + model.decoder().getClass().getSimpleName()
                            + " has no ONNX form (it does not implement dev.stoa.nn.lm.DecoderExport)");
        }
        String name = "clipcap-" + config.name();
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(
                "mapper",
                MapperGraphs.mapper(
                                name + "/mapper",
                                model.mapper(),
                                embeddingSize,
                                config.prefixLength(),
                                model.decoder().embeddingSize())
                        .write(folder.resolve("model.mapper.onnx")));
        files.put("decoder", decoder.onnxDecoder(name + "/decoder", true).write(folder.resolve("model.decoder.onnx")));
        return files;
    }

    @Override
    public void close() {
        captioner.close();
    }
}
