package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder is read as the Hugging Face layout, with the descriptor's fields taking precedence. */
class ModelFolderTest {

    @Test
    void plainHuggingFaceLayoutGetsTheDefaults(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.onnx"), "x");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 384, \"max_position_embeddings\": 512}");
        ModelFolder folder = ModelFolder.read(dir);
        assertThat(folder.idsInput()).isEqualTo("input_ids");
        assertThat(folder.output()).isEqualTo("last_hidden_state");
        assertThat(folder.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(folder.normalize()).isTrue();
        assertThat(folder.maxTokens()).isZero();
        assertThat(folder.maxPositions()).isEqualTo(512);
    }

    @Test
    void descriptorOverridesTheLayout(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("encoder.onnx"), "x");
        Files.writeString(dir.resolve("vocab.json"), "{}");
        Files.writeString(
                dir.resolve(ModelFolder.DESCRIPTOR),
                "{\"model\": \"encoder.onnx\", \"tokenizer\":"
                        + " \"vocab.json\", \"inputs\": {\"ids\": \"ids\"}, \"output\": \"hidden\", \"pooling\": \"cls\","
                        + " \"normalize\": false, \"maxTokens\": 256}");
        ModelFolder folder = ModelFolder.read(dir);
        assertThat(folder.model()).isEqualTo(dir.resolve("encoder.onnx"));
        assertThat(folder.idsInput()).isEqualTo("ids");
        assertThat(folder.maskInput()).isEqualTo("attention_mask");
        assertThat(folder.output()).isEqualTo("hidden");
        assertThat(folder.pooling()).isEqualTo(Pooling.CLS);
        assertThat(folder.normalize()).isFalse();
        assertThat(folder.maxTokens()).isEqualTo(256);
    }

    @Test
    void missingFilesAndBadFieldsNameTheFix(@TempDir Path dir) throws Exception {
        assertBadConfig(() -> ModelFolder.read(dir.resolve("nowhere")), "does not exist");
        assertBadConfig(() -> ModelFolder.read(dir), "has no model.onnx");
        Files.writeString(dir.resolve("model.onnx"), "x");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve(ModelFolder.DESCRIPTOR), "{\"pooling\": \"max\"}");
        assertBadConfig(() -> ModelFolder.read(dir), "'mean' or 'cls'");
        Files.writeString(dir.resolve(ModelFolder.DESCRIPTOR), "{\"maxTokens\": \"many\"}");
        assertBadConfig(() -> ModelFolder.read(dir), "wrong type");
        Files.writeString(dir.resolve(ModelFolder.DESCRIPTOR), "not json");
        assertBadConfig(() -> ModelFolder.read(dir), "not a readable JSON object");
    }

    private static void assertBadConfig(ThrowableAssert.ThrowingCallable call, String text) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining(text);
    }
}
