package dev.stoa.protocol.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionRequestTest {

    private static final ExposedModel VQA =
            new ExposedModel("vqa", true, "socratic-vqa", "question", "image", "text", List.of());

    @Test
    void aChatBecomesAGeneratorPromptWithItsOptions() {
        CompletionRequest r = CompletionRequest.parse(new JsonObject("""
                        {"model": "gpt", "messages": [
                          {"role": "system", "content": "be brief"},
                          {"role": "user", "content": [{"type": "text", "text": "a red"}]}],
                         "max_tokens": 7, "temperature": 0.5, "top_p": 0.9, "stop": "\\n", "seed": 11, "n": 2}
                        """), true);
        assertThat(r.n()).isEqualTo(2);
        GenerationRequest g0 = r.generation(r.prompts().get(0), 0);
        GenerationRequest g1 = r.generation(r.prompts().get(0), 1);
        assertThat(g0.prompt()).isEqualTo("be brief\na red");
        assertThat(g0.options().maxTokens()).isEqualTo(7);
        assertThat(g0.options().temperature()).isEqualTo(0.5);
        assertThat(g0.options().topP()).isEqualTo(0.9);
        assertThat(g0.options().stop()).containsExactly("\n");
        assertThat(g0.options().seed()).isEqualTo(11L);
        assertThat(g1.options().seed()).isEqualTo(12L);
    }

    @Test
    void maxCompletionTokensWinsAndDefaultsAreGreedy() {
        CompletionRequest r = CompletionRequest.parse(
                new JsonObject(
                        "{\"model\": \"g\", \"prompt\": \"x\", \"max_tokens\": 3, \"max_completion_tokens\": 5}"),
                false);
        GenerationRequest g = r.generation(r.prompts().get(0), 0);
        assertThat(g.options().maxTokens()).isEqualTo(5);
        assertThat(g.options().greedy()).isTrue();
        assertThat(g.options().seed()).isNull();
    }

    @Test
    void anImagePartReachesThePipelinesImageFieldAndTheTextItsQuestion() {
        CompletionRequest r = CompletionRequest.parse(new JsonObject("""
                        {"model": "vqa", "messages": [{"role": "user", "content": [
                          {"type": "text", "text": "What colour?"},
                          {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}}]}]}
                        """), true);
        JsonObject input = r.pipelineInput(r.prompts().get(0), VQA);
        assertThat(input)
                .isEqualTo(new JsonObject().put("question", "What colour?").put("image", "iVBORw0K"));
    }

    @Test
    void whatCannotBeHonouredIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> CompletionRequest.parse(
                        new JsonObject("{\"model\": \"g\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                                + " \"tools\": [{\"type\": \"function\"}]}"),
                        true))
                .isInstanceOfSatisfying(OpenAiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("tools");
                    assertThat(e.code()).isEqualTo("unsupported_parameter");
                });
        assertThatThrownBy(() -> CompletionRequest.parse(
                        new JsonObject("{\"model\": \"g\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\":"
                                + " \"image_url\", \"image_url\": {\"url\": \"https://x/y.png\"}}]}]}"),
                        true))
                .isInstanceOfSatisfying(OpenAiError.class, e -> {
                    assertThat(e.param()).isEqualTo("messages[0].content[0].image_url.url");
                    assertThat(e.getMessage()).contains("data:image/png;base64");
                });
        CompletionRequest sampled = CompletionRequest.parse(
                new JsonObject("{\"model\": \"vqa\", \"prompt\": \"q\", \"temperature\": 0.7}"), false);
        assertThatThrownBy(() -> sampled.pipelineInput(sampled.prompts().get(0), VQA))
                .isInstanceOfSatisfying(OpenAiError.class, e -> {
                    assertThat(e.param()).isEqualTo("temperature");
                    assertThat(e.getMessage()).contains("etc/pipelines/socratic-vqa.yaml");
                });
        CompletionRequest badTopP =
                CompletionRequest.parse(new JsonObject("{\"model\": \"g\", \"prompt\": \"q\", \"top_p\": 3}"), false);
        assertThatThrownBy(() -> badTopP.generation(badTopP.prompts().get(0), 0))
                .isInstanceOfSatisfying(OpenAiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("top_p");
                });
        assertThatThrownBy(() -> CompletionRequest.parse(new JsonObject("{\"model\": \"g\", \"messages\": []}"), true))
                .isInstanceOfSatisfying(
                        OpenAiError.class, e -> assertThat(e.param()).isEqualTo("messages"));
        assertThatThrownBy(() -> CompletionRequest.parse(
                        new JsonObject("{\"model\": \"g\", \"prompt\": \"q\", \"n\": 0}"), false))
                .isInstanceOfSatisfying(
                        OpenAiError.class, e -> assertThat(e.param()).isEqualTo("n"));
    }
}
