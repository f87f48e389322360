package dev.stoa.models.gpt.internal;

import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.lm.DecoderExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One opened GPT version that can also be written as ONNX: {@code model.decoder.onnx}, the decoder with its
 * key/value cache as explicit inputs and outputs ({@code dev.stoa.nn.onnx.DecoderGraphs#decoder}, without a prefix
 * input: a GPT starts from tokens).
 */
final class GptOnnxModel implements OpenedModel, OnnxExport {

    /** The graph's name in {@code model.<graph>.onnx}. */
    static final String GRAPH = "decoder";

    private final List<ModelService> services;
    private final GptGenerator generator;
    private final DjlRuntime engine;

    /**
     * @param services the version's services
     * @param generator the opened variant they serve
     * @param engine DJL, whose engine class loader the export runs in, as the provider opened the model
     */
    GptOnnxModel(List<ModelService> services, GptGenerator generator, DjlRuntime engine) {
        this.services = List.copyOf(services);
        this.generator = generator;
        this.engine = engine;
    }

    @Override
    public List<ModelService> services() {
        return services;
    }

    @Override
    public Map<String, Path> exportOnnx(Path folder) throws Exception {
        return Map.of(GRAPH, engine.withEngineClassLoader(() -> export(generator, folder)));
    }

    /**
     * @param generator an opened variant
     * @param folder where {@code model.decoder.onnx} goes
     * @return the file
     */
    static Path export(GptGenerator generator, Path folder) throws IOException {
        DecoderExport decoder = (DecoderExport) generator.model();
        return decoder.onnxDecoder(generator.variant().id() + "/" + GRAPH, false)
                .write(folder.resolve("model." + GRAPH + ".onnx"));
    }

    @Override
    public void close() {
        generator.close();
    }
}
