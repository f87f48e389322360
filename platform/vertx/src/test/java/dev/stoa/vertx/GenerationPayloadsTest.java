package dev.stoa.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationPayloadsTest {

    @Test
    void aRequestReadsOpenAiFieldNamesWithDefaults() {
        GenerationRequest r = Payloads.fromJson(
                new JsonObject("{\"prompt\": \"a red\", \"max_tokens\": 5,"
                        + " \"temperature\": 0.7, \"top_k\": 3, \"top_p\": 0.9, \"stop\": \"\\n\", \"seed\": 42}"),
                GenerationRequest.class);
        assertThat(r.prompt()).isEqualTo("a red");
        assertThat(r.options()).isEqualTo(new GenerationOptions(5, 0.7, 3, 0.9, 1, List.of("\n"), 42L));
        GenerationRequest plain = Payloads.fromJson(new JsonObject().put("text", "hello"), GenerationRequest.class);
        assertThat(plain).isEqualTo(new GenerationRequest("hello", GenerationOptions.GREEDY));
        GenerationRequest back =
                Payloads.fromJson(new JsonObject(Payloads.toJson(r).encode()), GenerationRequest.class);
        assertThat(back).isEqualTo(r);
    }

    @Test
    void badFieldsAreNamed() {
        assertThatThrownBy(() -> Payloads.fromJson(new JsonObject(), GenerationRequest.class))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'prompt'");
        assertThatThrownBy(() -> Payloads.fromJson(
                        new JsonObject().put("prompt", "x").put("top_p", 1.5), GenerationRequest.class))
                .hasMessageContaining("'top_p'");
        assertThatThrownBy(() -> Payloads.fromJson(
                        new JsonObject().put("prompt", "x").put("max_tokens", "ten"), GenerationRequest.class))
                .hasMessageContaining("'max_tokens'");
        assertThatThrownBy(() -> Payloads.fromJson(
                        new JsonObject().put("prompt", "x").put("stop", List.of(1)), GenerationRequest.class))
                .hasMessageContaining("'stop[0]'");
    }

    @Test
    void aGenerationReadsAsTextToo() {
        Generation g = new Generation(" circle", 7, FinishReason.STOP, "gpt-tiny", false);
        JsonObject json = Payloads.toJson(g);
        assertThat(json.encode())
                .isEqualTo("{\"text\":\" circle\",\"tokens\":7,\"finish_reason\":\"stop\","
                        + "\"model\":\"gpt-tiny\",\"trained\":false}");
        assertThat(Payloads.fromJson(json, Generation.class)).isEqualTo(g);
        assertThat(Payloads.fromJson(json, dev.stoa.api.data.Text.class).value())
                .isEqualTo(" circle");
    }

    @Test
    void aWholeNumberBeyondLongRangeIsRefusedNotWrappedAround() {
        // 2^64 + 1 parses as a BigInteger whose low 64 bits are 1: it must not be read as max_tokens 1
        JsonObject json = new JsonObject("{\"prompt\": \"x\", \"max_tokens\": 18446744073709551617}");
        assertThatThrownBy(() -> Payloads.fromJson(json, GenerationRequest.class))
                .isInstanceOf(StoaException.class)
                .hasMessageStartingWith("'max_tokens': must be a whole number");
        JsonObject beams = new JsonObject("{\"prompt\": \"x\", \"beam_size\": 1073741824}");
        assertThatThrownBy(() -> Payloads.fromJson(beams, GenerationRequest.class))
                .isInstanceOf(StoaException.class)
                .hasMessageStartingWith("'beam_size': is 1073741824");
    }
}
