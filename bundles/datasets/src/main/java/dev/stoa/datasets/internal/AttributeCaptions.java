package dev.stoa.datasets.internal;

import java.util.Locale;

/**
 * The shapes dataset's {@code attribute_captions} option: which captions that name the colour and the shape apart are
 * added to each example's usual ones. A trainer draws one caption per example and step among all of them.
 */
enum AttributeCaptions {
    /** Only the usual captions ("a red circle", "a small red circle on the left", ...): the default. */
    NONE,
    /** Also captions that name both in separate phrases, in either order: "a red shape which is a circle". */
    SEPARATE,
    /** Also, besides the separate ones, captions that name one only: "something red", "a circle". */
    PARTIAL;

    /** @return the option's value, e.g. {@code separate} */
    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the values a training file may give, in order */
    static String[] words() {
        AttributeCaptions[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].word();
        }
        return out;
    }

    /** @param word a value {@link #words()} allows */
    static AttributeCaptions of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
