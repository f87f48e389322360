package dev.stoa.models.clipcap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.models.gpt.internal.OrtDecoder;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.lm.LanguageModelSteps;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.transformer.TransformerStack;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClipCap's two graphs ({@code model.mapper.onnx}, {@code model.decoder.onnx} with its prefix input) on ONNX Runtime
 * CPU against DJL's PyTorch on the same weights: prefixes, logits and caches within 1e-4, and greedy captions with
 * the same tokens.
 */
class ClipCapOnnxExportTest {

    private static final int E = ClipCapTestSupport.EMBEDDING;
    private static final int WIDTH = 32;
    private static final int HEADS = 2;
    private static final int K = 3;

    @TempDir
    Path dir;

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void mlpMapperAndCausalDecoder() throws Exception {
        check("mlp", false);
    }

    @Test
    void transformerMapperAndBidirectionalPrefix() throws Exception {
        check("transformer", true);
    }

    private void check(String mapper, boolean bidirectional) throws Exception {
        Properties p = new Properties();
        p.setProperty("mapper", mapper);
        p.setProperty("prefix_length", Integer.toString(K));
        p.setProperty("mapper_layers", "2");
        p.setProperty("mapper_heads", Integer.toString(HEADS));
        p.setProperty("caption_length", "48");
        p.setProperty("decoder.context_length", "96");
        p.setProperty("decoder.width", Integer.toString(WIDTH));
        p.setProperty("decoder.layers", "2");
        p.setProperty("decoder.heads", Integer.toString(HEADS));
        p.setProperty("decoder.prefix_bidirectional", Boolean.toString(bidirectional));
        ClipCapConfig config = ClipCapConfig.read(mapper, p, "test");
        ClipCap model = new ClipCap(config, new GptFactory().create(config.decoder()));
        model.initialize(manager, DataType.FLOAT32, new Shape(1, E), new Shape(1, config.captionLength()));

        Map<String, Path> files = ClipCapOnnxModel.export(model, config, E, dir);
        assertThat(files).containsOnlyKeys("mapper", "decoder");
        assertThat(files.get("mapper")).isEqualTo(dir.resolve("model.mapper.onnx"));
        assertThat(files.get("decoder")).isEqualTo(dir.resolve("model.decoder.onnx"));

        int batch = 3;
        NDArray v = manager.randomNormal(new Shape(batch, E));
        NDArray djlPrefix = model.prefix(store, v, false);
        float[] prefix = mapperOnOrt(files.get("mapper"), v.toFloatArray(), batch);
        assertClose(prefix, djlPrefix.toFloatArray(), mapper + " prefix");

        // captions of the three images at once: the prefix and the start token, then one token a step
        int steps = 10;
        long[] tokens = new long[batch];
        Arrays.fill(tokens, SpecialTokens.START);
        long[][] djlTokens = new long[steps][];
        long[][] ortTokens = new long[steps][];
        try (OrtDecoder ort = new OrtDecoder(files.get("decoder"), 2, HEADS, WIDTH / HEADS)) {
            assertThat(ort.session().getInputNames()).contains("tokens", "position", "prefix", "past.1.value");
            TransformerStack.CachedOutput djl = model.decoder()
                    .forwardWithCache(store, manager.create(tokens, new Shape(batch, 1)), djlPrefix, null, false);
            OrtDecoder.Step step = ort.run(tokens, batch, prefix, WIDTH, null);
            assertThat(step.length()).isEqualTo(K + 1);
            List<KeyValueCache> caches = djl.caches();
            for (int s = 0; s < steps; s++) {
                assertClose(step.logits(), djl.output().toFloatArray(), "logits at step " + s);
                for (int l = 0; l < 2; l++) {
                    assertClose(step.keys().get(l), caches.get(l).keys().toFloatArray(), "keys " + l);
                    assertClose(step.values().get(l), caches.get(l).values().toFloatArray(), "values " + l);
                }
                djlTokens[s] = argmax(djl.output().toFloatArray(), batch);
                ortTokens[s] = argmax(step.logits(), batch);
                djl = model.decoder()
                        .forwardWithCache(
                                store, manager.create(djlTokens[s], new Shape(batch, 1)), null, caches, false);
                caches = djl.caches();
                step = ort.run(ortTokens[s], batch, new float[0], WIDTH, step);
            }
            assertThat(ortTokens).isDeepEqualTo(djlTokens);

            // the captioner's own step function (one image, as CaptionWriter decodes) gives the same tokens
            LanguageModelSteps fn = new LanguageModelSteps(model.decoder(), manager, djlPrefix.get("0:1"), true);
            LanguageModelSteps.State state = fn.start(new long[] {SpecialTokens.START});
            for (int s = 0; s < steps; s++) {
                float[] logits = fn.logits(state);
                long next = argmax(logits, 1)[0];
                assertThat(next).as("token %d of image 0", s).isEqualTo(ortTokens[s][0]);
                state = fn.next(state, next);
            }
        }
    }

    private static float[] mapperOnOrt(Path file, float[] embeddings, int batch) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(embeddings), new long[] {batch, E});
                OrtSession.Result out = session.run(Map.of("embedding", in))) {
            OnnxTensor prefix = (OnnxTensor) out.get("prefix").get();
            assertThat(prefix.getInfo().getShape()).containsExactly(batch, K, WIDTH);
            FloatBuffer b = prefix.getFloatBuffer();
            float[] a = new float[b.remaining()];
            b.get(a);
            return a;
        }
    }

    /** @return each row's best token from logits {@code [B, 1, V]} */
    private static long[] argmax(float[] logits, int batch) {
        int vocabulary = logits.length / batch;
        long[] out = new long[batch];
        for (int b = 0; b < batch; b++) {
            out[b] =
                    OrtDecoder.argmaxLast(Arrays.copyOfRange(logits, b * vocabulary, (b + 1) * vocabulary), vocabulary);
        }
        return out;
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
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
