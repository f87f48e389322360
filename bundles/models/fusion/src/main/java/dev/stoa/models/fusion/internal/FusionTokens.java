package dev.stoa.models.fusion.internal;

import dev.stoa.api.StoaException;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.WordTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * VisualBERT's text side: a word vocabulary ({@link WordTokenizer}: ids 0-3 special, words from 4) plus BERT's mask
 * token, the id after the last word. A row is {@code [CLS, w_1, ..., w_n, SEP, PAD, ...]}: the start-of-text token is
 * BERT's {@code [CLS]} and the end-of-text token its {@code [SEP]} ({@link SpecialTokens}). Written {@code [MASK]} in
 * a request's text.
 */
final class FusionTokens {

    /** How a request writes the mask token. */
    static final String MASK = "[MASK]";
    /** The longest request text, in characters: longer ones are refused before they are read. */
    static final int MAX_CHARACTERS = 2_000;

    private final WordTokenizer words;
    private final int length;

    /**
     * @param words the vocabulary
     * @param length T, the rows' length, CLS and SEP included
     */
    FusionTokens(List<String> words, int length) {
        this.words = new WordTokenizer(words, length);
        this.length = length;
    }

    /** @return the word tokenizer */
    WordTokenizer words() {
        return words;
    }

    /** @return T */
    int length() {
        return length;
    }

    /** @return the mask token's id */
    long maskId() {
        return words.vocabularySize();
    }

    /** @return V, the words, the special tokens and the mask token */
    int vocabularySize() {
        return words.vocabularySize() + 1;
    }

    /** @return whether an id is a word the masking may choose (not special, not the mask, not unknown) */
    boolean isWord(long id) {
        return id >= SpecialTokens.COUNT && id < words.vocabularySize();
    }

    /** @return the word of an id, or {@code [MASK]}, {@code <unk>}, ... */
    String word(long id) {
        if (id == maskId()) {
            return MASK;
        }
        return isWord(id) ? words.words().get((int) (id - SpecialTokens.COUNT)) : words.toText(new long[] {id});
    }

    /**
     * @param text a caption
     * @return its framed row of T ids; a text longer than T - 2 words is cut (training captions never are)
     */
    long[] encode(String text) {
        return words.encode(List.of(text)).ids()[0];
    }

    /**
     * Encodes a request's text, {@code [MASK]} (any case) becoming the mask token.
     *
     * @param field the request's field, for errors
     * @param text the text
     * @return the framed row
     * @throws StoaException BAD_INPUT naming the field if the text is empty, too long or has no word
     */
    long[] request(String field, String text) {
        if (text == null || text.isBlank()) {
            throw StoaException.badInput(field, "is empty; send a caption such as 'two red circles'");
        }
        if (text.length() > MAX_CHARACTERS) {
            throw StoaException.badInput(
                    field, "has " + text.length() + " characters; send at most " + MAX_CHARACTERS + " (a caption)");
        }
        List<Long> ids = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        String mask = MASK.toLowerCase(Locale.ROOT);
        int from = 0;
        while (true) {
            int at = lower.indexOf(mask, from);
            for (long id : words.toIds(text.substring(from, at < 0 ? text.length() : at))) {
                ids.add(id);
            }
            if (at < 0) {
                break;
            }
            ids.add(maskId());
            from = at + mask.length();
        }
        if (ids.isEmpty()) {
            throw StoaException.badInput(field, "has no words; send a caption such as 'two red circles'");
        }
        if (ids.stream().allMatch(id -> id == maskId())) {
            throw StoaException.badInput(
                    field, "has only " + MASK + " tokens; keep some words, e.g. 'two [MASK] circles'");
        }
        if (ids.size() > length - 2) {
            throw StoaException.badInput(
                    field,
                    "has " + ids.size() + " words; this model reads at most " + (length - 2) + " (its text_length is "
                            + length + ", [CLS] and [SEP] included)");
        }
        long[] row = new long[length];
        row[0] = SpecialTokens.START;
        for (int i = 0; i < ids.size(); i++) {
            row[i + 1] = ids.get(i);
        }
        row[ids.size() + 1] = SpecialTokens.END;
        return row;
    }
}
