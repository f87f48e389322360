package dev.stoa.protocol.openai.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /chat/completions} or {@code POST /completions} request, read and checked: what to ask (one
 * {@link Prompt} per answer set: the chat's messages, or each prompt of a text completion), how to decode, how many
 * answers, whether to stream. It maps onto a {@code TextGenerator}'s {@link GenerationRequest} and onto a pipeline's
 * input fields.
 *
 * @param model the model name
 * @param chat whether it came to {@code /chat/completions}
 * @param prompts what to answer: one for a chat, one per prompt for a text completion
 * @param options the decoding options sent, each {@code null} when absent
 * @param n answers per prompt
 * @param stream whether to answer as server-sent events
 * @param includeUsage whether a streamed answer ends with a usage chunk ({@code stream_options.include_usage})
 */
record CompletionRequest(
        String model,
        boolean chat,
        List<Prompt> prompts,
        Options options,
        int n,
        boolean stream,
        boolean includeUsage) {

    /** The most answers per prompt. */
    static final int MAX_N = 16;

    /**
     * What one answer is asked from.
     *
     * @param text for a generator: every message's text, in order, one per line (a text completion: the prompt);
     *     for a pipeline: see {@link #question}
     * @param question the text of the last user message (a text completion: the prompt): a pipeline's text input
     * @param image the last user message's image, base64 without the {@code data:} prefix, or {@code null}
     * @param imageParam where the image came from in the request, for messages
     */
    record Prompt(String text, String question, String image, String imageParam) {}

    /**
     * Decoding options, each {@code null} when the request does not set it.
     *
     * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}
     * @param temperature {@code temperature}
     * @param topP {@code top_p}
     * @param stop {@code stop}, as a list
     * @param seed {@code seed}
     */
    record Options(Integer maxTokens, Double temperature, Double topP, List<String> stop, Long seed) {

        /** @return the first option set, as its JSON name, or {@code null} when none is */
        String firstSet() {
            if (maxTokens != null) {
                return "max_tokens";
            }
            if (temperature != null) {
                return "temperature";
            }
            if (topP != null) {
                return "top_p";
            }
            if (stop != null) {
                return "stop";
            }
            return seed != null ? "seed" : null;
        }
    }

    /** Fields that change the answer in ways Stoa's services cannot honour: refused when set. */
    private static final List<String> UNSUPPORTED = List.of(
            "tools",
            "tool_choice",
            "functions",
            "function_call",
            "logprobs",
            "top_logprobs",
            "logit_bias",
            "presence_penalty",
            "frequency_penalty",
            "audio",
            "prediction",
            "echo",
            "suffix");

    /**
     * @param body the JSON request
     * @param chat whether it came to {@code /chat/completions}
     * @return the request
     * @throws OpenAiError 400 naming the field at fault
     */
    static CompletionRequest parse(JsonObject body, boolean chat) {
        String model = Fields.model(body);
        for (String field : UNSUPPORTED) {
            if (!Fields.unset(body, field)) {
                throw OpenAiError.unsupported(
                        field,
                        "'" + field + "' is not supported by Stoa's models; leave it out (see docs: what is not"
                                + " supported)");
            }
        }
        Object format = body.getValue("response_format");
        if (format != null && !(format instanceof JsonObject f && "text".equals(f.getValue("type")))) {
            throw OpenAiError.unsupported(
                    "response_format", "only {\"type\": \"text\"} is supported; Stoa's models cannot promise JSON");
        }
        Long bestOf = Fields.whole(body, "best_of");
        if (bestOf != null && bestOf != 1) {
            throw OpenAiError.unsupported("best_of", "'best_of' is " + bestOf + "; only 1 is supported (use n)");
        }
        List<Prompt> prompts = chat ? List.of(messages(body.getValue("messages"))) : prompts(body.getValue("prompt"));
        Long maxTokens = Fields.whole(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = Fields.whole(body, "max_tokens");
        }
        if (maxTokens != null && (maxTokens < 1 || maxTokens > Integer.MAX_VALUE)) {
            throw OpenAiError.badParam("max_tokens", "'max_tokens' is " + maxTokens + "; send at least 1");
        }
        Options options = new Options(
                maxTokens == null ? null : maxTokens.intValue(),
                Fields.number(body, "temperature"),
                Fields.number(body, "top_p"),
                stop(body.getValue("stop")),
                Fields.whole(body, "seed"));
        Long n = Fields.whole(body, "n");
        if (n != null && (n < 1 || n > MAX_N)) {
            throw OpenAiError.badParam("n", "'n' is " + n + "; send a whole number from 1 to " + MAX_N);
        }
        boolean stream = Fields.bool(body, "stream", false);
        boolean includeUsage = false;
        Object so = body.getValue("stream_options");
        if (so instanceof JsonObject o) {
            includeUsage = Fields.bool(o, "include_usage", false);
        } else if (so != null) {
            throw OpenAiError.badParam(
                    "stream_options", "'stream_options' must be an object such as" + " {\"include_usage\": true}");
        }
        return new CompletionRequest(model, chat, prompts, options, n == null ? 1 : n.intValue(), stream, includeUsage);
    }

    /**
     * The generator's request for one answer.
     *
     * @param prompt what to continue
     * @param answer which answer of {@link #n()} this is: with a seed, answer {@code i} samples with seed
     *     {@code seed + i}, so the answers differ and each is reproducible
     * @return the generation request
     * @throws OpenAiError 400 naming the option a generator refuses
     */
    GenerationRequest generation(Prompt prompt, int answer) {
        GenerationOptions d = GenerationOptions.GREEDY;
        try {
            return new GenerationRequest(
                    prompt.text(),
                    new GenerationOptions(
                            options.maxTokens() == null ? d.maxTokens() : options.maxTokens(),
                            options.temperature() == null ? d.temperature() : options.temperature(),
                            d.topK(),
                            options.topP() == null ? d.topP() : options.topP(),
                            d.beamSize(),
                            options.stop() == null ? List.of() : options.stop(),
                            options.seed() == null ? null : options.seed() + answer));
        } catch (StoaException e) {
            throw OpenAiError.ofFailure(e, model);
        }
    }

    /**
     * A pipeline's input for one answer: the text in {@code textField}, the image in {@code imageField}. Decoding
     * options and {@code n} belong to the pipeline file's stages, so a request that sets them is refused.
     *
     * @param prompt what to ask
     * @param m the model's configuration
     * @return the pipeline's JSON input
     * @throws OpenAiError 400 naming the option a pipeline cannot take
     */
    JsonObject pipelineInput(Prompt prompt, ExposedModel m) {
        String set = options.firstSet();
        if (set != null) {
            throw OpenAiError.unsupported(
                    set,
                    "model '" + model + "' is pipeline '" + m.target() + "', whose stages set their own decoding;"
                            + " leave '" + set + "' out, or change etc/pipelines/" + m.target() + ".yaml");
        }
        if (n != 1) {
            throw OpenAiError.unsupported(
                    "n",
                    "model '" + model + "' is pipeline '" + m.target() + "', which gives one answer per call;"
                            + " send n = 1");
        }
        JsonObject input = new JsonObject().put(m.textField(), prompt.question());
        if (prompt.image() != null) {
            input.put(m.imageField(), prompt.image());
        }
        return input;
    }

    private static Prompt messages(Object value) {
        if (!(value instanceof JsonArray messages) || messages.isEmpty()) {
            throw OpenAiError.badParam(
                    "messages",
                    "'messages' is " + (value == null ? "missing" : EmbeddingsMapping.describe(value))
                            + "; send a list such as [{\"role\": \"user\", \"content\": \"Hello\"}]");
        }
        List<String> lines = new ArrayList<>();
        String question = null;
        String image = null;
        String imageParam = null;
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(messages.getValue(i) instanceof JsonObject m)) {
                throw OpenAiError.badParam(at, "'" + at + "' is not an object with 'role' and 'content'");
            }
            Object role = m.getValue("role");
            if (!(role instanceof String r)
                    || !List.of("system", "developer", "user", "assistant", "tool")
                            .contains(r)) {
                throw OpenAiError.badParam(
                        at + ".role",
                        "'" + at + ".role' is " + EmbeddingsMapping.describe(role)
                                + "; send system, developer, user or assistant");
            }
            if ("tool".equals(r)) {
                throw OpenAiError.unsupported(at + ".role", "tool messages are not supported: no tools are");
            }
            Object content = m.getValue("content");
            StringBuilder text = new StringBuilder();
            String messageImage = null;
            String messageImageParam = null;
            if (content instanceof String s) {
                text.append(s);
            } else if (content instanceof JsonArray parts) {
                for (int j = 0; j < parts.size(); j++) {
                    String pat = at + ".content[" + j + "]";
                    if (!(parts.getValue(j) instanceof JsonObject part)) {
                        throw OpenAiError.badParam(pat, "'" + pat + "' is not an object with a 'type'");
                    }
                    Object type = part.getValue("type");
                    if ("text".equals(type)) {
                        Object t = part.getValue("text");
                        if (!(t instanceof String ts)) {
                            throw OpenAiError.badParam(pat + ".text", "'" + pat + ".text' is missing; send a string");
                        }
                        if (!text.isEmpty()) {
                            text.append('\n');
                        }
                        text.append(ts);
                    } else if ("image_url".equals(type)) {
                        if (messageImage != null) {
                            throw OpenAiError.unsupported(
                                    pat, "a message may hold one image; '" + messageImageParam + "' is the first");
                        }
                        messageImageParam = pat + ".image_url.url";
                        messageImage = imageData(part.getValue("image_url"), messageImageParam);
                    } else {
                        throw OpenAiError.unsupported(
                                pat + ".type",
                                "'" + pat + ".type' is " + EmbeddingsMapping.describe(type)
                                        + "; send \"text\" or \"image_url\"");
                    }
                }
            } else if (content != null || !"assistant".equals(r)) {
                throw OpenAiError.badParam(
                        at + ".content",
                        "'" + at + ".content' is " + EmbeddingsMapping.describe(content)
                                + "; send a string or a list of content parts");
            }
            if (messageImage != null && !"user".equals(r)) {
                throw OpenAiError.badParam(messageImageParam, "only user messages may hold images");
            }
            lines.add(text.toString());
            if ("user".equals(r)) {
                question = text.toString();
                image = messageImage;
                imageParam = messageImageParam;
            }
        }
        if (question == null) {
            throw OpenAiError.badParam("messages", "'messages' has no user message; add {\"role\": \"user\", ...}");
        }
        return new Prompt(String.join("\n", lines), question, image, imageParam);
    }

    /** @return the base64 payload of a {@code data:image/...;base64,...} URL */
    private static String imageData(Object imageUrl, String param) {
        Object url = imageUrl instanceof JsonObject o ? o.getValue("url") : imageUrl;
        if (!(url instanceof String u) || u.isEmpty()) {
            throw OpenAiError.badParam(
                    param, "'" + param + "' is missing; send {\"url\": \"data:image/png;base64,...\"}");
        }
        if (!u.startsWith("data:")) {
            throw OpenAiError.unsupported(
                    param,
                    "'" + param + "' is not a data: URL; Stoa fetches nothing from the network: send the image inline"
                            + " as data:image/png;base64,<the file in base64>");
        }
        int comma = u.indexOf(',');
        if (comma < 0 || !u.substring(0, comma).endsWith(";base64")) {
            throw OpenAiError.badParam(
                    param, "'" + param + "' is a data: URL without ';base64,'; send data:image/png;base64,...");
        }
        String data = u.substring(comma + 1);
        if (data.isEmpty()) {
            throw OpenAiError.badParam(param, "'" + param + "' holds no image data");
        }
        return data;
    }

    private static List<Prompt> prompts(Object value) {
        if (value instanceof String s) {
            return List.of(new Prompt(s, s, null, null));
        }
        if (value instanceof JsonArray a && !a.isEmpty()) {
            List<Prompt> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                if (!(a.getValue(i) instanceof String s)) {
                    throw OpenAiError.unsupported(
                            "prompt",
                            "'prompt[" + i + "]' is " + EmbeddingsMapping.describe(a.getValue(i))
                                    + "; send text (token ids are not supported)");
                }
                out.add(new Prompt(s, s, null, null));
            }
            return out;
        }
        throw OpenAiError.badParam(
                "prompt",
                "'prompt' is " + (value == null ? "missing" : EmbeddingsMapping.describe(value))
                        + "; send a string or a list of strings");
    }

    private static List<String> stop(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof JsonArray a) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                if (!(a.getValue(i) instanceof String s)) {
                    throw OpenAiError.badParam("stop", "'stop[" + i + "]' is not a string");
                }
                out.add(s);
            }
            return out;
        }
        throw OpenAiError.badParam(
                "stop", "'stop' is " + EmbeddingsMapping.describe(value) + "; send a string or a list of strings");
    }
}
