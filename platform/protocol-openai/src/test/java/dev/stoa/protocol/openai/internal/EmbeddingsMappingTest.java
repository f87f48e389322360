package dev.stoa.protocol.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.data.Embedding;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingsMappingTest {

    @Test
    void base64IsTheLittleEndianFloat32Bytes() {
        float[] v = {1.5f, -0.25f, 3e-8f};
        byte[] bytes = Base64.getDecoder().decode(EmbeddingsMapping.base64(v));
        assertThat(bytes).hasSize(12);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // 1.5f is 0x3FC00000: little-endian puts its low byte first
        assertThat(bytes[3]).isEqualTo((byte) 0x3F);
        assertThat(bytes[2]).isEqualTo((byte) 0xC0);
        assertThat(new float[] {b.getFloat(), b.getFloat(), b.getFloat()}).containsExactly(v);
    }

    @Test
    void aStringOrAListOfStringsAreInputs() {
        assertThat(EmbeddingsMapping.request(new JsonObject("{\"model\": \"m\", \"input\": \"hi\"}"))
                        .inputs())
                .containsExactly("hi");
        EmbeddingsMapping.Request r = EmbeddingsMapping.request(
                new JsonObject("{\"model\": \"m\", \"input\": [\"a\", \"b\"], \"encoding_format\": \"base64\","
                        + " \"dimensions\": 2}"));
        assertThat(r.inputs()).containsExactly("a", "b");
        assertThat(r.base64()).isTrue();
        assertThat(r.dimensions()).isEqualTo(2);
        for (String bad : List.of(
                "{\"model\": \"m\"}",
                "{\"model\": \"m\", \"input\": []}",
                "{\"model\": \"m\", \"input\": [1, 2]}",
                "{\"model\": \"m\", \"input\": \"\"}",
                "{\"model\": \"m\", \"input\": \"x\", \"encoding_format\": \"int8\"}",
                "{\"model\": \"m\", \"input\": \"x\", \"dimensions\": 0}",
                "{\"input\": \"x\"}")) {
            assertThatThrownBy(() -> EmbeddingsMapping.request(new JsonObject(bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(OpenAiError.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).isIn("input", "encoding_format", "dimensions", "model");
                    });
        }
    }

    @Test
    void dimensionsCutOnlyWhereTheModelAllows() {
        Embedding e = new Embedding(new float[] {3, 4, 12});
        ExposedModel plain = ExposedModel.service("plain");
        ExposedModel matryoshka = new ExposedModel("m", false, "m", "question", "image", "text", List.of(2));
        EmbeddingsMapping.Request native3 = new EmbeddingsMapping.Request("plain", List.of("x"), false, 3);
        EmbeddingsMapping.Request cut2 = new EmbeddingsMapping.Request("m", List.of("x"), false, 2);
        assertThat(EmbeddingsMapping.cut(e, native3, plain)).isSameAs(e);
        assertThatThrownBy(() -> EmbeddingsMapping.cut(e, cut2, plain))
                .isInstanceOfSatisfying(OpenAiError.class, err -> {
                    assertThat(err.param()).isEqualTo("dimensions");
                    assertThat(err.getMessage()).contains("3-dimensional").contains("not trained to be cut");
                });
        float[] v = EmbeddingsMapping.cut(e, cut2, matryoshka).vector();
        assertThat(v[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(v[1]).isCloseTo(0.8f, within(1e-6f));
    }
}
