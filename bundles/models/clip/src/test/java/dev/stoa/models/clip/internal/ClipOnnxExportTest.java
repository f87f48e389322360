package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stoa.api.data.Image;
import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.nn.onnx.OnnxChecker;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.TokenBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped variant, randomly initialised (every parameter moved off its initial value, batch-norm statistics
 * included), exported as two ONNX towers and run on ONNX Runtime CPU: the embeddings equal DJL's within 1e-4.
 */
class ClipOnnxExportTest {

    private static final double TOLERANCE = 1e-4;

    @Test
    void everyVariantsTowersEqualDjlOnOnnxRuntime(@TempDir Path dir) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        for (Path file : ClipTestSupport.variantFiles()) {
            ClipVariant variant = ClipTestSupport.variant(file);
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                ClipModel model = ClipInference.build(variant, ClipTestSupport.ENCODERS::get);
                int s = variant.imageSize();
                int t = variant.contextLength();
                model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s), new Shape(1, t), new Shape(1));
                for (Parameter p : model.getParameters().values()) {
                    NDArray a = p.getArray();
                    if (p.getName().equals("runningVar")) {
                        a.addi(manager.randomUniform(0.5f, 1.5f, a.getShape()));
                    } else if (!p.getName().equals("logit_scale")) {
                        a.addi(manager.randomNormal(0, 0.05f, a.getShape(), DataType.FLOAT32));
                    }
                }
                ParameterStore ps = new ParameterStore(manager, false);

                NDArray pixels = manager.randomNormal(new Shape(3, 3, s, s));
                Random random = new Random(variant.name().hashCode());
                long[] lengths = {t, 5, 1};
                long[] ids = new long[3 * t];
                for (int b = 0; b < 3; b++) {
                    for (int i = 0; i < lengths[b]; i++) {
                        ids[b * t + i] = random.nextInt(260);
                    }
                }
                NDArray idArray = manager.create(ids, new Shape(3, t));
                NDArray lengthArray = manager.create(lengths);
                float[] image = model.encodeImage(ps, pixels, false).toFloatArray();
                float[] text = model.encodeText(ps, idArray, lengthArray, false).toFloatArray();

                Path folder = dir.resolve(variant.name());
                Map<String, Path> files = ClipOnnxExport.export(model, variant, variant.id(), folder);
                assertThat(files).containsOnlyKeys("image", "text");
                assertThat(files.get("image")).isEqualTo(folder.resolve("model.image.onnx"));
                assertThat(files.get("text")).isEqualTo(folder.resolve("model.text.onnx"));
                try (var listing = Files.list(folder)) {
                    assertThat(listing).as("no temporary file left").hasSize(2);
                }
                for (Path f : files.values()) {
                    assertThat(OnnxChecker.problems(f)).isEmpty();
                }
                float[] onnxImage = run(
                        files.get("image"),
                        Map.of("pixels", floats(pixels.toFloatArray(), 3, 3, s, s)),
                        3 * variant.embedDimension());
                float[] onnxText = run(
                        files.get("text"),
                        Map.of("tokens", longs(ids, 3, t), "lengths", longs(lengths, 3)),
                        3 * variant.embedDimension());
                double imageDiff = maxAbsDiff(image, onnxImage);
                double textDiff = maxAbsDiff(text, onnxText);
                System.out.printf(
                        "clip-%s onnx max |DJL - ORT|: image %.3e, text %.3e%n", variant.name(), imageDiff, textDiff);
                assertThat(imageDiff).as(variant.name() + " image").isLessThanOrEqualTo(TOLERANCE);
                assertThat(textDiff).as(variant.name() + " text").isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    @Test
    void theOpenedModelExportsWhatTheServicesAnswer(@TempDir Path dir) throws Exception {
        ClipVariant variant = ClipTestSupport.variant("tiny");
        try (ClipInference clip =
                ClipInference.open(variant, ClipTestSupport.ENCODERS::get, dir.resolve("untrained"), "PyTorch")) {
            AtomicBoolean closed = new AtomicBoolean();
            OpenedModel opened =
                    ClipOnnxExport.exportable(OpenedModel.of(List.of(), () -> closed.set(true)), clip, "clip-tiny");
            assertThat(opened).isInstanceOf(OnnxExport.class);
            Map<String, Path> files = ((OnnxExport) opened).exportOnnx(dir.resolve("export"));

            List<Image> images = List.of(ClipTestSupport.gradient(40, 30), ClipTestSupport.gradient(32, 32));
            int s = variant.imageSize();
            ClipPreprocessing preprocessing = new ClipPreprocessing(s);
            float[] pixels = new float[images.size() * 3 * s * s];
            for (int i = 0; i < images.size(); i++) {
                System.arraycopy(preprocessing.toChw(images.get(i)), 0, pixels, i * 3 * s * s, 3 * s * s);
            }
            float[] onnxImage =
                    run(files.get("image"), Map.of("pixels", floats(pixels, 2, 3, s, s)), 2 * variant.embedDimension());
            assertThat(maxAbsDiff(flat(clip.imageEmbeddings(images)), onnxImage))
                    .isLessThanOrEqualTo(TOLERANCE);

            List<String> texts = List.of("a red circle", "a blue square", "x");
            TokenBatch tokens = new ByteTokenizer(variant.contextLength()).encode(texts);
            float[] onnxText = run(
                    files.get("text"),
                    Map.of(
                            "tokens", longs(tokens.flatIds(), tokens.batchSize(), tokens.contextLength()),
                            "lengths", longs(tokens.lengths(), tokens.batchSize())),
                    3 * variant.embedDimension());
            assertThat(maxAbsDiff(flat(clip.textEmbeddings(texts)), onnxText)).isLessThanOrEqualTo(TOLERANCE);

            opened.close();
            assertThat(closed).isTrue();
        }
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[i].length);
        }
        return out;
    }

    private record Feed(float[] floats, long[] longs, long[] shape) {}

    private static Feed floats(float[] values, long... shape) {
        return new Feed(values, null, shape);
    }

    private static Feed longs(long[] values, long... shape) {
        return new Feed(null, values, shape);
    }

    private static float[] run(Path model, Map<String, Feed> feeds, int expectedSize) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> inputs = new java.util.HashMap<>();
            try {
                for (Map.Entry<String, Feed> e : feeds.entrySet()) {
                    Feed f = e.getValue();
                    inputs.put(
                            e.getKey(),
                            f.floats() != null
                                    ? OnnxTensor.createTensor(env, FloatBuffer.wrap(f.floats()), f.shape())
                                    : OnnxTensor.createTensor(env, LongBuffer.wrap(f.longs()), f.shape()));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    OnnxTensor out = (OnnxTensor) result.get("embedding").orElseThrow();
                    FloatBuffer buffer = out.getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    assertThat(values).hasSize(expectedSize);
                    return values;
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static double maxAbsDiff(float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.isFinite(actual[i])).isTrue();
            max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
        }
        return max;
    }
}
