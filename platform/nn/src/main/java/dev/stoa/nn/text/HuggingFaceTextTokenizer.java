package dev.stoa.nn.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (any model type: BPE, WordPiece, WordLevel, Unigram) read by DJL's
 * {@link HuggingFaceTokenizer}, whose native library ships inside the tokenizers jar (no download). Its own special
 * tokens (e.g. BERT's {@code [CLS]}/{@code [SEP]}, CLIP's {@code <|startoftext|>}) come from the file's
 * post-processor; rows are padded with {@code padId} and truncated to T keeping the last token, so a final
 * end-of-text token stays where a causal encoder pools.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer, AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int contextLength;
    private final int vocabularySize;
    private final long padId;

    private HuggingFaceTextTokenizer(
            HuggingFaceTokenizer tokenizer, int contextLength, int vocabularySize, long padId) {
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.vocabularySize = vocabularySize;
        this.padId = padId;
    }

    /**
     * @param file a {@code tokenizer.json}
     * @param contextLength T, at least 1
     * @param vocabularySize the number of ids the file defines (the text encoder's vocabulary must be at least this)
     * @param padId the id to pad rows with
     * @return the tokenizer; close it to free its native memory
     * @throws IOException if the file cannot be read or parsed
     */
    public static HuggingFaceTextTokenizer load(Path file, int contextLength, int vocabularySize, long padId)
            throws IOException {
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be at least 1, got " + contextLength);
        }
        // padding and truncation are done here, to T, so that the last real token survives truncation
        HuggingFaceTokenizer hf =
                HuggingFaceTokenizer.newInstance(file, Map.of("padding", "false", "truncation", "false"));
        return new HuggingFaceTextTokenizer(hf, contextLength, vocabularySize, padId);
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public TokenBatch encode(List<String> texts) {
        long[][] rows = new long[texts.size()][contextLength];
        long[] lengths = new long[texts.size()];
        for (int b = 0; b < texts.size(); b++) {
            Encoding encoding = tokenizer.encode(texts.get(b), true, false);
            long[] own = encoding.getIds();
            if (own.length == 0) {
                throw new IllegalArgumentException("text " + b + " gave no tokens; the tokenizer.json has no"
                        + " post-processor that adds special tokens, so send non-empty text");
            }
            int kept = Math.min(own.length, contextLength);
            System.arraycopy(own, 0, rows[b], 0, kept - 1);
            rows[b][kept - 1] = own[own.length - 1];
            for (int i = kept; i < contextLength; i++) {
                rows[b][i] = padId;
            }
            lengths[b] = kept;
        }
        return new TokenBatch(rows, lengths);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
