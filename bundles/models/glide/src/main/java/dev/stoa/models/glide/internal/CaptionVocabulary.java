package dev.stoa.models.glide.internal;

import dev.stoa.nn.text.WordTokenizer;
import java.util.List;

/**
 * GLIDE's caption vocabulary: every word of the shapes captions (colours, shapes and their plurals, sizes, places,
 * numbers, the templates' words), fixed, so that the tokenizer needs no file and a trained version reads captions as
 * it was trained to. A word outside it is the unknown token.
 */
final class CaptionVocabulary {

    /** The vocabulary, in id order. */
    static final List<String> WORDS = List.of(
            "red",
            "green",
            "blue",
            "yellow",
            "purple",
            "orange",
            "circle",
            "square",
            "triangle",
            "star",
            "cross",
            "circles",
            "squares",
            "triangles",
            "stars",
            "crosses",
            "a",
            "an",
            "the",
            "of",
            "photo",
            "drawing",
            "there",
            "is",
            "are",
            "and",
            "with",
            "word",
            "text",
            "small",
            "large",
            "big",
            "on",
            "at",
            "in",
            "left",
            "right",
            "top",
            "bottom",
            "center",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "shape",
            "shapes",
            "which",
            "coloured",
            "something",
            "things",
            "thing");

    private CaptionVocabulary() {}

    /**
     * @param captionLength T
     * @return the tokenizer
     */
    static WordTokenizer tokenizer(int captionLength) {
        return new WordTokenizer(WORDS, captionLength);
    }
}
