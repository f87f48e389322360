package dev.stoa.nn.text;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Byte-level tokenizer: each UTF-8 byte {@code v} of the text is the id {@code 4 + v}, framed by the
 * {@link SpecialTokens}. It needs no vocabulary file, reads any text, and never produces an unknown token:
 * 260 ids. Suited to models trained here from scratch on small vocabularies (the shapes captions); long texts cost
 * one token per byte.
 */
public final class ByteTokenizer implements TextTokenizer {

    private final int contextLength;

    /** @param contextLength T, at least 2 (SOT and EOT) */
    public ByteTokenizer(int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
        }
        this.contextLength = contextLength;
    }

    @Override
    public int vocabularySize() {
        return SpecialTokens.COUNT + 256;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public TokenBatch encode(List<String> texts) {
        long[][] ids = new long[texts.size()][contextLength];
        long[] lengths = new long[texts.size()];
        for (int b = 0; b < texts.size(); b++) {
            byte[] bytes = texts.get(b).getBytes(StandardCharsets.UTF_8);
            long[] own = new long[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                own[i] = SpecialTokens.COUNT + (bytes[i] & 0xff);
            }
            lengths[b] = SpecialTokens.frame(own, contextLength, ids[b]);
        }
        return new TokenBatch(ids, lengths);
    }
}
