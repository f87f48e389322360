package dev.stoa.nn.text;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Byte-level tokenizer: each UTF-8 byte {@code v} of the text is the id {@code 4 + v}, framed by the
 * {@link SpecialTokens}. It needs no vocabulary file, reads any text, and never produces an unknown token:
 * 260 ids. Suited to models trained here from scratch on small vocabularies (the shapes captions); long texts cost
 * one token per byte. As a {@link TextCodec}, {@code toText} decodes the bytes as UTF-8 (an incomplete character at the
 * end becomes U+FFFD until its last byte arrives).
 */
public final class ByteTokenizer implements TextTokenizer, TextCodec {

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
            lengths[b] = SpecialTokens.frame(toIds(texts.get(b)), contextLength, ids[b]);
        }
        return new TokenBatch(ids, lengths);
    }

    @Override
    public long[] toIds(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long[] ids = new long[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = SpecialTokens.COUNT + (bytes[i] & 0xff);
        }
        return ids;
    }

    @Override
    public String toText(long[] ids) {
        byte[] bytes = new byte[ids.length];
        int n = 0;
        for (long id : ids) {
            if (id >= SpecialTokens.COUNT && id < SpecialTokens.COUNT + 256) {
                bytes[n++] = (byte) (id - SpecialTokens.COUNT);
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
