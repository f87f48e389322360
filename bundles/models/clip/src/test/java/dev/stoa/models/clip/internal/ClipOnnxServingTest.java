package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.engine.EngineGraphs;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.tensor.TensorSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLIP version served on its exported towers ({@link ClipOnnxInference}) answers as the PyTorch path
 * ({@link ClipInference}) does: the same zero-shot labels and probabilities (the logit scale travels in
 * {@value ClipOnnxScale#FILE}), similarities and embeddings, within 1e-4. Weights moved off their initial values and
 * a logit scale other than the initial one, so that neither the towers nor the scale could match by accident.
 */
class ClipOnnxServingTest {

    /** A plain ONNX Runtime session as an EngineSession (the engine bundle is not a dependency of this one). */
    private record OrtSessionForTest(OrtSession session) implements EngineSession {
        @Override
        public String engine() {
            return "onnxruntime-cpu";
        }

        @Override
        public List<TensorSignature.Tensor> inputs() {
            return List.of();
        }

        @Override
        public List<TensorSignature.Tensor> outputs() {
            return List.of();
        }

        @Override
        public Map<String, HostTensor> run(Map<String, HostTensor> inputs) throws Exception {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            Map<String, OnnxTensor> in = new HashMap<>();
            for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
                HostTensor t = e.getValue();
                in.put(
                        e.getKey(),
                        t.datatype().equals("FP32")
                                ? OnnxTensor.createTensor(env, t.data().asFloatBuffer(), t.shape())
                                : OnnxTensor.createTensor(env, t.data().asLongBuffer(), t.shape()));
            }
            try (OrtSession.Result r = session.run(in)) {
                Map<String, HostTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    out.put(e.getKey(), new HostTensor("FP32", t.getInfo().getShape(), t.getByteBuffer()));
                }
                return out;
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private record Graphs(Map<String, Path> files, Map<String, EngineSession> sessions) implements EngineGraphs {
        @Override
        public EngineChoice choice() {
            return new EngineChoice("onnxruntime-cpu", "first of the chain onnxruntime-cpu, pytorch");
        }

        @Override
        public EngineSession session(String graph) {
            require(graph);
            return sessions.get(graph);
        }
    }

    private static Graphs open(Map<String, Path> files) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, EngineSession> sessions = new HashMap<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            sessions.put(
                    f.getKey(),
                    new OrtSessionForTest(env.createSession(f.getValue().toString())));
        }
        return new Graphs(files, sessions);
    }

    /** A tiny CLIP with weights moved off their initial values and logit scale e^3, saved as a version folder. */
    private static Path version(Path dir, ClipVariant variant) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        Path folder = Files.createDirectories(dir.resolve("1"));
        try (ClipInference clip = ClipInference.open(variant, ClipTestSupport.ENCODERS::get, folder, "PyTorch");
                NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (Parameter p : clip.model().getParameters().values()) {
                NDArray a = p.getArray();
                if (!p.getName().equals("logit_scale") && !p.getName().equals("runningVar")) {
                    a.addi(manager.randomNormal(0, 0.05f, a.getShape(), DataType.FLOAT32));
                }
            }
            clip.model().setLogitScale(3f);
            clip.save(folder.resolve(ClipInference.PARAMETERS));
        }
        return folder;
    }

    private static Image solid(int r, int g, int b, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new Image(w, h, rgb);
    }

    @Test
    void zeroShotOnTheExportedTowersAnswersAsPytorchDoes(@TempDir Path dir) throws Exception {
        ClipVariant variant = ClipTestSupport.variant("tiny");
        Path folder = version(dir, variant);
        try (ClipInference pytorch = ClipInference.open(variant, ClipTestSupport.ENCODERS::get, folder, "PyTorch")) {
            assertThat(pytorch.trained()).isTrue();
            OpenedModel opened = ClipOnnxScale.withScale(
                    ClipOnnxExport.exportable(OpenedModel.of(List.of(), () -> {}), pytorch, "clip-tiny"), pytorch);
            Map<String, Path> files = ((OnnxExport) opened).exportOnnx(folder);
            assertThat(files).containsOnlyKeys("image", "text");
            assertThat(ClipOnnxScale.read(folder))
                    .isCloseTo((float) Math.exp(3), org.assertj.core.data.Offset.offset(1e-3f));

            Graphs graphs = open(files);
            try (ClipOnnxInference onnx = ClipOnnxInference.open(variant, folder, graphs)) {
                List<Image> images = List.of(
                        solid(220, 20, 20, 32, 32),
                        solid(20, 20, 220, 40, 30),
                        ClipTestSupport.gradient(48, 32),
                        solid(240, 240, 30, 32, 32));
                List<String> labels = List.of("red circle", "blue square", "green triangle", "yellow star");
                List<String> templates = List.of("a photo of a {}.", "a drawing of a {}");
                int sameLabels = 0;
                for (Image image : images) {
                    Map<String, Float> want = pytorch.classify(image, labels, templates);
                    Map<String, Float> got = onnx.classify(image, labels, templates);
                    assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
                    for (String l : labels) {
                        assertThat(got.get(l)).as(l).isCloseTo(want.get(l), org.assertj.core.data.Offset.offset(1e-4f));
                    }
                    assertThat(best(got)).isEqualTo(best(want));
                    sameLabels++;
                    float[] ws = pytorch.similarity(image, labels);
                    float[] gs = onnx.similarity(image, labels);
                    for (int i = 0; i < ws.length; i++) {
                        assertThat(gs[i]).isCloseTo(ws[i], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
                assertThat(sameLabels).isEqualTo(images.size());
                // the probabilities are not uniform: the scale (e^3) matters to them, and came through
                Map<String, Float> p = onnx.classify(images.get(2), labels, templates);
                assertThat(p.values().stream()
                                .mapToDouble(Float::doubleValue)
                                .max()
                                .orElseThrow())
                        .isGreaterThan(0.25 + 1e-3);
                float[][] wt = pytorch.textEmbeddings(List.of("a red circle", "x"));
                float[][] gt = onnx.textEmbeddings(List.of("a red circle", "x"));
                for (int i = 0; i < wt.length; i++) {
                    for (int e = 0; e < wt[i].length; e++) {
                        assertThat(gt[i][e]).isCloseTo(wt[i][e], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
                assertThat(onnx.trained()).isTrue();
                assertThat(onnx.dimension()).isEqualTo(pytorch.dimension());
                assertThat(onnx.maxTokens()).isEqualTo(pytorch.maxTokens());
            } finally {
                graphs.sessions().values().forEach(EngineSession::close);
            }
        }
    }

    @Test
    void withoutTheScaleFileOrATowerItRefusesNamingTheFixSoTheChainFallsBack(@TempDir Path dir) throws Exception {
        ClipVariant variant = ClipTestSupport.variant("tiny");
        Path folder = Files.createDirectories(dir.resolve("1"));
        Graphs onlyImage = new Graphs(Map.of("image", folder.resolve("model.image.onnx")), Map.of());
        assertThatThrownBy(() -> ClipOnnxInference.open(variant, folder, onlyImage))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining("'text' is missing")
                .hasMessageContaining("bin/stoa export");
        Graphs both = new Graphs(
                Map.of("image", folder.resolve("model.image.onnx"), "text", folder.resolve("model.text.onnx")),
                Map.of());
        assertThatThrownBy(() -> ClipOnnxInference.open(variant, folder, both))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining(ClipOnnxScale.FILE)
                .hasMessageContaining("bin/stoa export");
    }

    private static String best(Map<String, Float> scores) {
        return scores.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
    }
}
