package dev.stoa.llm.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Locale;

/** Which of the two OpenAI text endpoints a configuration talks to, and so how the prompt and reply are shaped. */
enum ApiMode {

    /** {@code POST /chat/completions}: the prompt is the user message, after the optional system message. */
    CHAT("/chat/completions"),

    /** {@code POST /completions}: the prompt is sent as is. */
    COMPLETION("/completions");

    private final String path;

    ApiMode(String path) {
        this.path = path;
    }

    /** @return the path appended to the configured {@code baseUrl} */
    String path() {
        return path;
    }

    /** @return the name as the configuration spells it, {@code chat} or {@code completion} */
    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value the configuration's {@code mode}; {@code null} means {@code chat}, its default
     * @return the mode
     * @throws StoaException {@code BAD_CONFIG} naming the value and the two accepted ones
     */
    static ApiMode parse(String value) {
        if (value == null) {
            return CHAT;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "chat" -> CHAT;
            case "completion" -> COMPLETION;
            default ->
                throw new StoaException(
                        FailureCode.BAD_CONFIG, "'mode' is '" + value + "'; use chat or" + " completion");
        };
    }
}
