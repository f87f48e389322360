package dev.stoa.nn.text;

import java.util.List;

/**
 * Turns texts into a {@link TokenBatch} of a fixed context length for a text encoder. Implementations are
 * deterministic and thread-safe.
 */
public interface TextTokenizer {

    /** @return the number of ids this tokenizer can produce; a text encoder's vocabulary must be at least this */
    int vocabularySize();

    /** @return T, the length of every row it produces */
    int contextLength();

    /**
     * @param texts the texts, at least one
     * @return {@code (B, T)} ids and {@code (B)} lengths; texts longer than T are truncated, keeping the
     *     end-of-text token last where the tokenizer adds one (CLIP's {@code tokenize(truncate=True)})
     */
    TokenBatch encode(List<String> texts);
}
