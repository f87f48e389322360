package dev.stoa.llm.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The JSON of OpenAI's chat and completion APIs, both ways: the request body for a {@link GenerationRequest}, and
 * the text, finish reason and token count of an answer or of one streamed chunk ({@code data: {...}} of the
 * server-sent events, {@code choices[0].delta.content} for chat, {@code choices[0].text} for completions).
 */
final class OpenAiProtocol {

    /** How much of a bad reply an error message quotes. */
    static final int SNIPPET = 200;

    /** The text, finish reason and completion-token count of an answer or chunk; null where it has none. */
    record Reply(String text, String finishReason, Integer completionTokens) {}

    private final EndpointSettings settings;

    OpenAiProtocol(EndpointSettings settings) {
        this.settings = settings;
    }

    /**
     * @param request the prompt and options
     * @param stream whether to ask for server-sent events
     * @return the request body
     * @throws StoaException {@code BAD_INPUT} for {@code beam_size > 1}, which the API does not offer
     */
    JsonObject body(GenerationRequest request, boolean stream) {
        GenerationOptions o = request.options();
        if (o.beamSize() > 1) {
            throw StoaException.badInput(
                    "beam_size",
                    "is " + o.beamSize() + "; the OpenAI API of " + settings.id() + " has no beam search: send 1");
        }
        JsonObject body = new JsonObject().put("model", settings.model());
        if (settings.mode() == ApiMode.CHAT) {
            JsonArray messages = new JsonArray();
            if (!settings.systemPrompt().isEmpty()) {
                messages.add(new JsonObject().put("role", "system").put("content", settings.systemPrompt()));
            }
            body.put(
                    "messages",
                    messages.add(new JsonObject().put("role", "user").put("content", request.prompt())));
        } else {
            body.put("prompt", request.prompt());
        }
        body.put("max_tokens", o.maxTokens())
                .put("temperature", o.temperature())
                .put("top_p", o.topP());
        if (o.topK() > 0) {
            body.put("top_k", o.topK()); // not OpenAI's, but vLLM, llama.cpp and TGI read it
        }
        if (!o.stop().isEmpty()) {
            body.put("stop", new JsonArray(o.stop()));
        }
        if (o.seed() != null) {
            body.put("seed", o.seed());
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /**
     * @param text a whole answer or one chunk's JSON
     * @param streamed whether it is a chunk (the text is in {@code delta} for chat)
     * @return its text (empty if none), finish reason and token count
     * @throws StoaException {@code INTERNAL} naming the endpoint and quoting the text if it is not such JSON
     */
    Reply parse(String text, boolean streamed) {
        JsonObject json;
        try {
            json = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw malformed(text, "not a JSON object");
        }
        if (!(json.getValue("choices") instanceof JsonArray choices)
                || choices.isEmpty()
                || !(choices.getValue(0) instanceof JsonObject choice)) {
            if (streamed && json.getValue("choices") instanceof JsonArray empty && empty.isEmpty()) {
                return new Reply("", null, tokens(json)); // a usage-only chunk
            }
            throw malformed(text, "no choices[0]");
        }
        Object content;
        if (settings.mode() == ApiMode.CHAT) {
            Object holder = choice.getValue(streamed ? "delta" : "message");
            if (!(holder instanceof JsonObject message)) {
                if (streamed && holder == null) {
                    return new Reply("", choice.getString("finish_reason"), tokens(json));
                }
                throw malformed(text, "no choices[0]." + (streamed ? "delta" : "message"));
            }
            content = message.getValue("content");
        } else {
            content = choice.getValue("text");
        }
        if (content != null && !(content instanceof String)) {
            throw malformed(text, "the content is not a string");
        }
        if (content == null && !streamed) {
            throw malformed(text, "no content");
        }
        Object finish = choice.getValue("finish_reason");
        return new Reply(content == null ? "" : (String) content, finish instanceof String s ? s : null, tokens(json));
    }

    private static Integer tokens(JsonObject json) {
        return json.getValue("usage") instanceof JsonObject usage
                        && usage.getValue("completion_tokens") instanceof Number n
                ? n.intValue()
                : null;
    }

    /**
     * @param finishReason OpenAI's {@code finish_reason}, or null
     * @return {@code length} as LENGTH; everything else (stop, content_filter, none) as STOP
     */
    static FinishReason finishReason(String finishReason) {
        return "length".equals(finishReason) ? FinishReason.LENGTH : FinishReason.STOP;
    }

    /**
     * @param body an error answer's body
     * @return OpenAI's {@code error.message} (or {@code error} as a string, or {@code detail}), else a snippet
     */
    static String serverMessage(String body) {
        try {
            JsonObject json = new JsonObject(body);
            if (json.getValue("error") instanceof JsonObject error && error.getValue("message") instanceof String m) {
                return m;
            }
            if (json.getValue("error") instanceof String m) {
                return m;
            }
            if (json.getValue("detail") != null) {
                return String.valueOf(json.getValue("detail"));
            }
        } catch (DecodeException | ClassCastException e) {
            // not JSON: quote it
        }
        return snippet(body);
    }

    StoaException malformed(String text, String problem) {
        return new StoaException(
                FailureCode.INTERNAL,
                "the remote LLM at " + settings.url() + " (" + settings.id()
                        + ") sent a reply that is not OpenAI " + settings.mode().configName() + " JSON ("
                        + problem + "): '" + snippet(text)
                        + "'; check that baseUrl points at an OpenAI-compatible server");
    }

    static String snippet(String text) {
        String s = text == null ? "" : text.strip();
        return s.length() <= SNIPPET ? s : s.substring(0, SNIPPET) + "...";
    }
}
