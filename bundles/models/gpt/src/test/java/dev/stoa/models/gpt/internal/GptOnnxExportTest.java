package dev.stoa.models.gpt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.lm.DecoderExport;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.LanguageModelSteps;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.transformer.TransformerStack;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported decoder ({@code model.decoder.onnx}) on ONNX Runtime CPU against DJL's PyTorch on the same weights:
 * logits and caches within 1e-4 step by step with the cache fed back, and a greedy decode with the same tokens.
 */
class GptOnnxExportTest {

    private static final int WIDTH = 32;
    private static final int HEADS = 4;
    private static final int LAYERS = 2;
    private static final Map<String, Object> SMALL =
            Map.of("context_length", 24, "width", WIDTH, "layers", LAYERS, "heads", HEADS);

    @TempDir
    Path dir;

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(23);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private LanguageModel model(Map<String, Object> hyperparameters) {
        LanguageModel model = new GptFactory().create(hyperparameters);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
        return model;
    }

    private Path export(LanguageModel model) throws Exception {
        return ((DecoderExport) model).onnxDecoder("gpt-test/decoder", false).write(dir.resolve("model.decoder.onnx"));
    }

    @Test
    void stepsWithTheCacheFedBackEqualDjls() throws Exception {
        LanguageModel model = model(SMALL);
        try (OrtDecoder ort = new OrtDecoder(export(model), LAYERS, HEADS, WIDTH / HEADS)) {
            assertThat(ort.session().getInputNames())
                    .containsExactlyInAnyOrder(
                            "tokens", "position", "past.0.key", "past.0.value", "past.1.key", "past.1.value");
            assertThat(ort.session().getOutputNames())
                    .containsExactlyInAnyOrder(
                            "logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value");
            int batch = 2;
            NDArray ids = manager.randomInteger(4, 260, new Shape(batch, 12), DataType.INT64);
            List<KeyValueCache> caches = null;
            OrtDecoder.Step step = null;
            // 5 tokens from an empty cache, then 3 at once against the cache (a mask inside), then one by one
            int[][] spans = {{0, 5}, {5, 8}, {8, 9}, {9, 10}, {10, 12}};
            for (int[] span : spans) {
                NDArray part = ids.get(":, " + span[0] + ":" + span[1]);
                TransformerStack.CachedOutput djl = model.forwardWithCache(store, part, null, caches, false);
                caches = djl.caches();
                step = ort.run(part.toLongArray(), batch, null, WIDTH, step);
                assertThat(step.cacheShape()).containsExactly(batch, HEADS, span[1], WIDTH / HEADS);
                assertClose(step.logits(), djl.output().toFloatArray(), "logits after " + span[1]);
                for (int l = 0; l < LAYERS; l++) {
                    assertClose(step.keys().get(l), caches.get(l).keys().toFloatArray(), "keys " + l);
                    assertClose(step.values().get(l), caches.get(l).values().toFloatArray(), "values " + l);
                }
            }
        }
    }

    @Test
    void greedyDecodingOfTwelveStepsGivesDjlsTokens() throws Exception {
        LanguageModel model = model(SMALL);
        long[] prompt = {SpecialTokens.START, 4 + 'a', 4 + ' '};
        int steps = 12;
        // DJL: the platform's step function with its cache, greedy, never stopping early
        long[] djl = new long[steps];
        LanguageModelSteps fn = new LanguageModelSteps(model, manager, null, true);
        LanguageModelSteps.State state = fn.start(prompt);
        for (int i = 0; i < steps; i++) {
            float[] logits = fn.logits(state);
            djl[i] = OrtDecoder.argmaxLast(logits, logits.length);
            state = fn.next(state, djl[i]);
        }
        // ONNX Runtime: the prompt, then one token a step with present fed back as past
        long[] onnx = new long[steps];
        try (OrtDecoder ort = new OrtDecoder(export(model), LAYERS, HEADS, WIDTH / HEADS)) {
            OrtDecoder.Step step = ort.run(prompt, 1, null, WIDTH, null);
            for (int i = 0; i < steps; i++) {
                onnx[i] = OrtDecoder.argmaxLast(step.logits(), 260);
                step = ort.run(new long[] {onnx[i]}, 1, null, WIDTH, step);
            }
            assertThat(step.length()).isEqualTo(prompt.length + steps);
        }
        assertThat(onnx).containsExactly(djl);
        assertThat(Arrays.stream(djl).distinct().count()).isGreaterThan(1); // not one token repeated
    }

    @Test
    void anUntiedHeadExportsToo() throws Exception {
        LanguageModel model =
                model(Map.of("context_length", 16, "width", 16, "heads", 2, "layers", 1, "tie_embeddings", false));
        NDArray ids = manager.randomInteger(4, 260, new Shape(1, 6), DataType.INT64);
        TransformerStack.CachedOutput djl = model.forwardWithCache(store, ids, null, null, false);
        try (OrtDecoder ort = new OrtDecoder(export(model), 1, 2, 8)) {
            OrtDecoder.Step step = ort.run(ids.toLongArray(), 1, null, 16, null);
            assertClose(step.logits(), djl.output().toFloatArray(), "untied logits");
        }
    }

    @Test
    void theOpenedModelWritesModelDecoderOnnx() throws Exception {
        GptVariant variant = GptVariant.read(
                "onnx",
                new ByteArrayInputStream(
                        "width=16\nheads=2\nlayers=1\ncontext_length=16\n".getBytes(StandardCharsets.UTF_8)));
        try (GptGenerator generator = GptGenerator.open(variant, dir.resolve("none"), "PyTorch")) {
            Path file = GptOnnxModel.export(generator, dir);
            assertThat(file).isEqualTo(dir.resolve("model.decoder.onnx"));
            assertThat(Files.size(file)).isGreaterThan(16 * 260 * 4); // the embedding table at least
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.decoder.onnx");
            }
        }
        assertThatThrownBy(() -> ((DecoderExport) new GptFactory().create(Map.of())).onnxDecoder("x", false))
                .hasMessageContaining("initialise");
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        float max = 0;
        float scale = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertThat(max).as(what + ": max |ONNX - DJL|").isLessThan(1e-4f);
        assertThat(scale).as(what + " are not all zero").isGreaterThan(1e-3f);
    }
}
