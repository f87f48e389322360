package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptors: what a folder without one serves, and every kind of mistake, in the file or against the model,
 * failing at load with {@code BAD_CONFIG} naming the file, the field and what to write.
 */
class ModelDescriptorTest {

    @TempDir
    Path dir;

    @Test
    void withoutADescriptorTheModelDeclaresEverything() throws Exception {
        TestModelFolders.linear(dir.resolve("my-linear"), null);
        ModelDescriptor d = ModelDescriptor.read(dir.resolve("my-linear"));
        assertThat(d.name()).isEqualTo("my-linear");
        assertThat(d.inputs()).isNull();
        try (OnnxModel model = OnnxModel.load(d.name(), d, SessionSettings.defaults())) {
            assertThat(model.inputs())
                    .extracting(InputReader::describe)
                    .containsExactly("x: float32 [-1, 3]", "ids: int64 [-1, -1]");
            assertThat(model.outputs())
                    .extracting(ModelDescriptor.OutputSpec::name)
                    .containsExactly("y", "ids_out");
        }
    }

    @Test
    void aDeclaredShapeMayFixWhatTheModelLeavesFree() throws Exception {
        TestModelFolders.linear(dir, "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 3]}, {\"name\": \"ids\"}]}");
        try (OnnxModel model = OnnxModel.load("m", ModelDescriptor.read(dir), SessionSettings.defaults())) {
            assertThat(model.inputs().get(0).shape()).containsExactly(2, 3);
            assertThat(model.inputs().get(1).shape()).containsExactly(-1, -1);
        }
    }

    @Test
    void mistakesInTheFileNameTheFieldAndTheFix() throws Exception {
        TestModelFolders.linear(dir, null);
        assertBadDescriptor(
                "{\"inputs\": [{\"name\": \"x\", \"shpe\": [1, 3]}]}",
                "'inputs[0].shpe'",
                "not a known field",
                "shape");
        assertBadDescriptor(
                "{\"inputs\": [{\"name\": \"x\", \"dtype\": \"float17\"}]}",
                "'inputs[0].dtype'",
                "'float17'",
                "float32, float64, int64");
        assertBadDescriptor(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 0]}]}",
                "'inputs[0].shape[1]'",
                "-1 for one that varies");
        assertBadDescriptor("{\"inputs\": [{\"shape\": [1, 3]}]}", "'inputs[0].name'", "is missing");
        assertBadDescriptor(
                "{\"inputs\": [{\"name\": \"x\", \"image\": {\"resize\": \"stretch\", \"width\": 4}}]}",
                "'inputs[0].image'",
                "needs 'width' and 'height'");
        assertBadDescriptor(
                "{\"inputs\": [{\"name\": \"x\", \"image\": {\"resize\": \"squash\"}}]}",
                "'inputs[0].image.resize'",
                "stretch, shorter-side, fit-height or none");
        assertBadDescriptor(
                "{\"inputs\": [{\"name\": \"x\", \"image\": {\"mean\": [0.5]}}]}",
                "'inputs[0].image.mean'",
                "array of 3 numbers");
        assertBadDescriptor(
                "{\"inputs\": [{\"name\": \"x\", \"image\": {\"std\": [1, 0, 1]}}]}",
                "'inputs[0].image.std'",
                "non-zero");
        assertBadDescriptor(
                "{\"outputs\": [{\"name\": \"y\", \"postprocess\": {\"labels\": \"missing.txt\"}}]}",
                "'outputs[0].postprocess.labels'",
                "missing.txt",
                "one label per line");
        assertBadDescriptor(
                "{\"outputs\": [{\"name\": \"y\", \"postprocess\": {\"topK\": -1}}]}",
                "'outputs[0].postprocess.topK'",
                "at least 0");
        assertBadDescriptor("{\"maxBatch\": \"many\"}", "'maxBatch'", "whole number");
        assertBadDescriptor("{\"inputs\": [{\"name\": \"x\"}, {\"name\": \"x\"}]}", "'inputs'", "twice");
        assertBadDescriptor("{\"model\": \"other.onnx\"}", "'model' names other.onnx", "not a file");
        assertBadDescriptor("{\"inputs\": [", "not valid JSON");
        assertBadDescriptor("[1, 2]", "must hold a JSON object");
    }

    @Test
    void aFolderWithNoOrSeveralOnnxFilesMustNameTheModel() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        assertBadConfig(() -> ModelDescriptor.read(dir.resolve("empty")), "holds 0 .onnx files", "name the one");
        TestModelFolders.linear(dir.resolve("two"), null);
        Files.copy(dir.resolve("two/model.onnx"), dir.resolve("two/copy.onnx"));
        assertBadConfig(
                () -> ModelDescriptor.read(dir.resolve("two")), "holds 2 .onnx files", "[copy.onnx," + " model.onnx]");
        assertBadConfig(() -> ModelDescriptor.read(dir.resolve("absent")), "does not exist", "'folder'");
    }

    @Test
    void aDescriptorThatContradictsTheModelFailsAtLoad() throws Exception {
        TestModelFolders.linear(dir, null);
        assertBadAtLoad(
                "{\"inputs\": [{\"name\": \"X\"}, {\"name\": \"ids\"}]}",
                "'inputs[0]' names 'X'",
                "its inputs are [x, ids]");
        assertBadAtLoad(
                "{\"inputs\": [{\"name\": \"x\", \"dtype\": \"int64\"}, {\"name\": \"ids\"}]}",
                "'inputs[0].dtype' is int64",
                "model's is float32");
        assertBadAtLoad(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [-1, 4]}, {\"name\": \"ids\"}]}",
                "'inputs[0].shape' is [-1, 4]",
                "model's is [-1, 3]");
        assertBadAtLoad("{\"inputs\": [{\"name\": \"x\"}]}", "'inputs' does not list [ids]");
        assertBadAtLoad("{\"outputs\": [{\"name\": \"z\"}]}", "'outputs[0]' names 'z'", "[y, ids_out]");
        assertBadAtLoad(
                "{\"outputs\": [{\"name\": \"y\", \"postprocess\": {\"topK\": 1, \"labels\": [\"a\"]}}]}",
                "'outputs[0].postprocess.labels' has 1 labels",
                "2 classes");
        assertBadAtLoad(
                "{\"outputs\": [{\"name\": \"ids_out\", \"postprocess\": {\"softmax\": true}}]}",
                "'outputs[0].postprocess'",
                "need a float output",
                "int64");
        assertBadAtLoad(
                "{\"inputs\": [{\"name\": \"x\", \"image\": {}}, {\"name\": \"ids\"}]}", "'inputs[0].image'", "rank-4");
        // a warm-up shape the graph cannot run (MatMul by a (3, 2) weight needs 3 columns)
        assertBadAtLoad("{\"warmup\": {\"x\": [1, 5]}}", "failed its warm-up pass", "under 'warmup'");
    }

    @Test
    void aFileThatIsNotOnnxFailsAtLoad() throws Exception {
        Files.writeString(dir.resolve("model.onnx"), "not a protobuf");
        assertBadConfig(
                () -> OnnxModel.load("m", ModelDescriptor.read(dir), SessionSettings.defaults()),
                "model.onnx cannot be loaded by ONNX Runtime",
                "intact ONNX file");
    }

    private void assertBadDescriptor(String descriptor, String... parts) throws Exception {
        Files.writeString(dir.resolve(ModelDescriptor.FILE), descriptor);
        String[] all = new String[parts.length + 1];
        all[0] = dir.resolve(ModelDescriptor.FILE).toString();
        System.arraycopy(parts, 0, all, 1, parts.length);
        assertBadConfig(() -> ModelDescriptor.read(dir), all);
    }

    private void assertBadAtLoad(String descriptor, String... parts) throws Exception {
        Files.writeString(dir.resolve(ModelDescriptor.FILE), descriptor);
        String[] all = new String[parts.length + 1];
        all[0] = dir.resolve(ModelDescriptor.FILE).toString();
        System.arraycopy(parts, 0, all, 1, parts.length);
        assertBadConfig(
                () -> OnnxModel.load("m", ModelDescriptor.read(dir), SessionSettings.defaults())
                        .close(),
                all);
    }

    private static void assertBadConfig(ThrowingCallable call, String... parts) {
        var assertion = assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG));
        for (String part : parts) {
            assertion.hasMessageContaining(part);
        }
    }
}
