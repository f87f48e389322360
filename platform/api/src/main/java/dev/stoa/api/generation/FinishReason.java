package dev.stoa.api.generation;

/** Why a generation ended; the JSON form is the lower-case name, as OpenAI's {@code finish_reason}. */
public enum FinishReason {
    /** The model ended the text (its end-of-text token) or a stop sequence was reached. */
    STOP,
    /** {@code max_tokens} were produced, or the model's context is full. */
    LENGTH;

    /** @return {@code stop} or {@code length} */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @param name {@code stop} or {@code length}, any case
     * @return the reason
     * @throws dev.stoa.api.StoaException {@code BAD_INPUT} naming {@code finish_reason} for anything else
     */
    public static FinishReason of(String name) {
        for (FinishReason r : values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        throw dev.stoa.api.StoaException.badInput("finish_reason", "is '" + name + "'; use stop or length");
    }
}
