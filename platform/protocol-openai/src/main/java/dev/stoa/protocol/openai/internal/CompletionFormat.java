package dev.stoa.protocol.openai.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * OpenAI's answers to the completion endpoints: {@code chat.completion} and {@code text_completion} objects, and the
 * chunks of a streamed answer ({@code chat.completion.chunk}; a streamed text completion's chunks are
 * {@code text_completion} objects with one piece of text each).
 */
final class CompletionFormat {

    private final boolean chat;
    private final String id;
    private final long created;
    private final String model;

    /**
     * @param chat {@code /chat/completions} rather than {@code /completions}
     * @param id the answer's id ({@code chatcmpl-...} or {@code cmpl-...}), the same in every chunk
     * @param created seconds since the epoch
     * @param model the model name the request gave
     */
    CompletionFormat(boolean chat, String id, long created, String model) {
        this.chat = chat;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    /**
     * @param answers every answer, in choice order
     * @return the whole answer
     */
    JsonObject completion(List<Answer> answers) {
        JsonArray choices = new JsonArray();
        int tokens = 0;
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            tokens += a.tokens();
            JsonObject choice = new JsonObject().put("index", i);
            if (chat) {
                choice.put(
                        "message",
                        new JsonObject()
                                .put("role", "assistant")
                                .put("content", a.text())
                                .putNull("refusal"));
            } else {
                choice.put("text", a.text());
            }
            choices.add(choice.putNull("logprobs").put("finish_reason", a.finishReason()));
        }
        return head(chat ? "chat.completion" : "text_completion")
                .put("choices", choices)
                .put("usage", usage(tokens));
    }

    /** @return the first chunk of a streamed chat answer, which names the role; {@code null} for text completions */
    JsonObject roleChunk() {
        return chat ? chunk(new JsonObject().put("role", "assistant").put("content", ""), null) : null;
    }

    /** @return a chunk carrying one piece of the answer's text */
    JsonObject pieceChunk(String text) {
        return chunk(chat ? new JsonObject().put("content", text) : null, null, text);
    }

    /** @return the chunk that ends a streamed answer, with its finish reason */
    JsonObject finishChunk(String finishReason) {
        return chunk(chat ? new JsonObject() : null, finishReason, "");
    }

    /** @return the usage chunk that follows the last one when {@code stream_options.include_usage} is set */
    JsonObject usageChunk(int completionTokens) {
        return head(chat ? "chat.completion.chunk" : "text_completion")
                .put("choices", new JsonArray())
                .put("usage", usage(completionTokens));
    }

    private JsonObject chunk(JsonObject delta, String finishReason) {
        return chunk(delta, finishReason, "");
    }

    private JsonObject chunk(JsonObject delta, String finishReason, String text) {
        JsonObject choice = new JsonObject().put("index", 0);
        if (chat) {
            choice.put("delta", delta);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs").put("finish_reason", finishReason);
        return head(chat ? "chat.completion.chunk" : "text_completion").put("choices", new JsonArray().add(choice));
    }

    private JsonObject head(String object) {
        return new JsonObject()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", model);
    }

    /**
     * Usage as Stoa can count it: the tokens generated; the prompt's tokens are not reported by Stoa's generators,
     * so {@code prompt_tokens} is 0.
     */
    private static JsonObject usage(int completionTokens) {
        return new JsonObject()
                .put("prompt_tokens", 0)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", completionTokens);
    }
}
