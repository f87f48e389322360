package dev.stoa.nn.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Word-level tokenizer with a vocabulary built from a corpus the platform makes (e.g. the shapes captions): a text is
 * lower-cased and split into runs of letters or digits; word {@code i} of the vocabulary is id
 * {@code 4 + i}, a word outside it {@link SpecialTokens#UNKNOWN}, and the row is framed by the special tokens.
 *
 * <p>{@link #fromCorpus} is deterministic: words ordered by descending count, ties alphabetically, so the same
 * corpus always gives the same ids. Save the vocabulary ({@link #save}, one word a line) beside the trained
 * parameters and {@link #load} it with them.
 */
public final class WordTokenizer implements TextTokenizer, TextCodec {

    private final List<String> words;
    private final Map<String, Long> ids;
    private final int contextLength;

    /**
     * @param words the vocabulary, in id order, without duplicates
     * @param contextLength T, at least 2
     */
    public WordTokenizer(List<String> words, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
        }
        this.words = List.copyOf(words);
        this.contextLength = contextLength;
        Map<String, Long> byWord = new HashMap<>();
        for (int i = 0; i < this.words.size(); i++) {
            if (byWord.put(this.words.get(i), (long) SpecialTokens.COUNT + i) != null) {
                throw new IllegalArgumentException("the vocabulary lists '" + this.words.get(i) + "' twice");
            }
        }
        ids = Collections.unmodifiableMap(byWord);
    }

    /**
     * Builds the vocabulary of a corpus.
     *
     * @param corpus the texts
     * @param maxWords the most words to keep (the most frequent)
     * @param contextLength T
     * @return the tokenizer
     */
    public static WordTokenizer fromCorpus(Iterable<String> corpus, int maxWords, int contextLength) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String text : corpus) {
            for (String w : split(text)) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> sorted = new ArrayList<>(counts.keySet());
        sorted.sort(Comparator.<String>comparingInt(counts::get).reversed().thenComparing(Comparator.naturalOrder()));
        return new WordTokenizer(sorted.subList(0, Math.min(maxWords, sorted.size())), contextLength);
    }

    /**
     * @param file a vocabulary written by {@link #save}
     * @param contextLength T
     * @return the tokenizer
     * @throws IOException if the file cannot be read
     */
    public static WordTokenizer load(Path file, int contextLength) throws IOException {
        return new WordTokenizer(
                Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isEmpty())
                        .toList(),
                contextLength);
    }

    /**
     * @param file where to write the vocabulary, one word a line in id order
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        Files.write(file, words, StandardCharsets.UTF_8);
    }

    /** @return the vocabulary in id order (word {@code i} is id {@code 4 + i}) */
    public List<String> words() {
        return words;
    }

    @Override
    public int vocabularySize() {
        return SpecialTokens.COUNT + words.size();
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
            lengths[b] = SpecialTokens.frame(toIds(texts.get(b)), contextLength, rows[b]);
        }
        return new TokenBatch(rows, lengths);
    }

    @Override
    public long[] toIds(String text) {
        return split(text).stream()
                .mapToLong(w -> ids.getOrDefault(w, SpecialTokens.UNKNOWN))
                .toArray();
    }

    /** {@inheritDoc} Unknown words are written as {@code <unk>}. */
    @Override
    public String toText(long[] tokenIds) {
        StringBuilder out = new StringBuilder();
        for (long id : tokenIds) {
            String word = id == SpecialTokens.UNKNOWN
                    ? "<unk>"
                    : id >= SpecialTokens.COUNT && id < SpecialTokens.COUNT + words.size()
                            ? words.get((int) (id - SpecialTokens.COUNT))
                            : null;
            if (word != null) {
                out.append(out.length() == 0 ? "" : " ").append(word);
            }
        }
        return out.toString();
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
