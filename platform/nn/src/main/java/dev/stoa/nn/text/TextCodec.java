package dev.stoa.nn.text;

/**
 * Both directions between text and a tokenizer's own ids, for language models that read a prompt and write text
 * (the framing of {@link TextTokenizer#encode} is for encoders). Deterministic and thread-safe.
 */
public interface TextCodec {

    /**
     * @param text any text
     * @return its ids, without start, end or padding tokens
     */
    long[] toIds(String text);

    /**
     * @param ids ids this tokenizer produces; the {@link SpecialTokens} among them are skipped
     * @return the text they stand for ({@code toText(toIds(t))} is {@code t} for {@link ByteTokenizer}, and the
     *     lower-cased words joined by single spaces for {@link WordTokenizer})
     */
    String toText(long[] ids);
}
