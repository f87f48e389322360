package dev.stoa.models.clip.internal;

import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.nn.onnx.OnnxBlocks;
import dev.stoa.nn.onnx.OnnxGraph;
import dev.stoa.nn.onnx.OnnxType;
import dev.stoa.nn.onnx.OnnxValue;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLIP's two towers as ONNX graphs, each computing what the DJL path serves (the L2-normalised embedding):
 *
 * <ul>
 *   <li>{@value #IMAGE_FILE}: input {@code pixels} FLOAT {@code (batch, 3, S, S)}, preprocessed as the image service
 *       does it (resized, center-cropped, normalised with CLIP's mean and std, channels first) -> output
 *       {@code embedding} FLOAT {@code (batch, E)};
 *   <li>{@value #TEXT_FILE}: inputs {@code tokens} INT64 {@code (batch, tokens)} (the tokenizer's ids, padded, at
 *       most the variant's context length) and {@code lengths} INT64 {@code (batch)} (real tokens per row, as the
 *       tokenizer counts them) -> output {@code embedding} FLOAT {@code (batch, E)}.
 * </ul>
 *
 * <p>The towers write themselves ({@link dev.stoa.nn.onnx.OnnxExportable}, implemented by the encoder bundle's ViT,
 * ResNet and text transformer), followed by the projection and the normalisation.
 */
final class ClipOnnxExport {

    static final String IMAGE_FILE = "model.image.onnx";
    static final String TEXT_FILE = "model.text.onnx";

    private ClipOnnxExport() {}

    /**
     * @param opened the model's services and close handle
     * @param clip the opened model they serve
     * @param modelId the model's id, named in the graphs
     * @return the same opened model, which also exports its towers ({@link OnnxExport})
     */
    static OpenedModel exportable(OpenedModel opened, ClipInference clip, String modelId) {
        return new Exportable(opened, clip, modelId);
    }

    private record Exportable(OpenedModel opened, ClipInference clip, String modelId)
            implements OpenedModel, OnnxExport {

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
            return export(clip.model(), clip.variant(), modelId, folder);
        }
    }

    /**
     * Writes both towers (each to a temporary file, then moved into place).
     *
     * @param model the model, initialised or loaded
     * @param variant its variant
     * @param modelId its id
     * @param folder where to write {@value #IMAGE_FILE} and {@value #TEXT_FILE}
     * @return {@code image} and {@code text} with their files
     * @throws java.io.IOException if a file cannot be written
     */
    static Map<String, Path> export(ClipModel model, ClipVariant variant, String modelId, Path folder)
            throws java.io.IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("image", imageGraph(model, variant, modelId).write(folder.resolve(IMAGE_FILE)));
        files.put("text", textGraph(model, variant, modelId).write(folder.resolve(TEXT_FILE)));
        return files;
    }

    static OnnxGraph imageGraph(ClipModel model, ClipVariant variant, String modelId) {
        OnnxGraph g = new OnnxGraph(modelId + "/image")
                .docString(modelId + " image tower (variant " + variant.name() + ", image encoder "
                        + variant.imageEncoder() + "): preprocessed pixels -> L2-normalised embedding");
        int s = variant.imageSize();
        OnnxValue pixels = g.input("pixels", OnnxType.FLOAT, "batch", 3, s, s);
        OnnxValue features = tower(g, "visual", OnnxBlocks.child(model, "visual"), List.of(pixels));
        OnnxValue projected = OnnxBlocks.linear(
                g, "visual_projection", (Linear) OnnxBlocks.child(model, "visual_projection"), features);
        g.output(OnnxBlocks.l2Normalize(g, projected), "embedding", OnnxType.FLOAT, "batch", variant.embedDimension());
        return g;
    }

    static OnnxGraph textGraph(ClipModel model, ClipVariant variant, String modelId) {
        OnnxGraph g = new OnnxGraph(modelId + "/text")
                .docString(modelId + " text tower (variant " + variant.name() + ", text encoder "
                        + variant.textEncoder() + ", context length " + variant.contextLength()
                        + "): token ids and lengths -> L2-normalised embedding");
        OnnxValue tokens = g.input("tokens", OnnxType.INT64, "batch", "tokens");
        OnnxValue lengths = g.input("lengths", OnnxType.INT64, "batch");
        OnnxValue features = tower(g, "text", OnnxBlocks.child(model, "text"), List.of(tokens, lengths));
        OnnxValue projected =
                OnnxBlocks.linear(g, "text_projection", (Linear) OnnxBlocks.child(model, "text_projection"), features);
        g.output(OnnxBlocks.l2Normalize(g, projected), "embedding", OnnxType.FLOAT, "batch", variant.embedDimension());
        return g;
    }

    private static OnnxValue tower(OnnxGraph g, String name, Block block, List<OnnxValue> inputs) {
        List<OnnxValue> out = OnnxBlocks.block(g, name, block, inputs);
        if (out.size() != 1) {
            throw new IllegalStateException(name + " tower has " + out.size() + " outputs in ONNX, expected one");
        }
        return out.get(0);
    }
}
