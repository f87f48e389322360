package dev.stoa.models.merlot.internal;

import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.WordTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * MERLOT's text side: a word vocabulary ({@link WordTokenizer}: ids 0-3 special, words from 4) plus the mask token,
 * the id after the last word. A segment is {@code [CLS, w_1, ..., w_n, SEP, PAD, ...]} of L ids; an empty segment
 * (a left-out transcript) is {@code [CLS, SEP, PAD, ...]}.
 */
final class MerlotTokens {

    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange");
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross");
    static final List<String> DIRECTIONS = List.of("left", "right", "up", "down");
    static final List<String> EVENTS = List.of("appears", "moves", "turns");
    /** The words that name what is seen: MERLOT's attention masking prefers them. */
    static final Set<String> GROUNDED;

    static {
        List<String> g = new ArrayList<>(COLOURS);
        g.addAll(SHAPES);
        g.addAll(DIRECTIONS);
        g.addAll(EVENTS);
        GROUNDED = Set.copyOf(g);
    }

    private final WordTokenizer words;
    private final int length;

    /**
     * @param words the vocabulary
     * @param length L, a segment's positions
     */
    MerlotTokens(List<String> words, int length) {
        this.words = new WordTokenizer(words, length);
        this.length = length;
    }

    /** @return the words of the {@code shapes-clips} transcripts and of the clip-level statements */
    static List<String> vocabulary() {
        List<String> v = new ArrayList<>(List.of("a", "an", "the", "scene", "is", "empty", "it", "starts", "ends"));
        v.addAll(EVENTS);
        v.addAll(COLOURS);
        v.addAll(SHAPES);
        v.addAll(DIRECTIONS);
        return v;
    }

    WordTokenizer words() {
        return words;
    }

    int length() {
        return length;
    }

    /** @return the mask token's id */
    int maskId() {
        return words.vocabularySize();
    }

    /** @return V, words, special tokens and the mask token */
    int vocabularySize() {
        return words.vocabularySize() + 1;
    }

    /** @return whether an id is a word (not special, not the mask, not unknown) */
    boolean isWord(long id) {
        return id >= SpecialTokens.COUNT && id < words.vocabularySize();
    }

    /** @return whether an id is a visually grounded word */
    boolean isGrounded(long id) {
        return isWord(id) && GROUNDED.contains(word(id));
    }

    /** @return the word of a word id */
    String word(long id) {
        return words.words().get((int) (id - SpecialTokens.COUNT));
    }

    /** @return the id of a word of the vocabulary */
    int id(String word) {
        int i = words.words().indexOf(word);
        if (i < 0) {
            throw new IllegalArgumentException("'" + word + "' is not in the vocabulary");
        }
        return i + SpecialTokens.COUNT;
    }

    /** @return a sentence as a segment of L ids (cut at L - 2 words) */
    int[] encode(String sentence) {
        long[] row = words.encode(List.of(sentence)).ids()[0];
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = (int) row[i];
        }
        return out;
    }

    /** @return the empty segment, {@code [CLS, SEP, PAD, ...]} */
    int[] empty() {
        int[] out = new int[length];
        out[0] = (int) SpecialTokens.START;
        out[1] = (int) SpecialTokens.END;
        return out;
    }
}
