package dev.stoa.models.clipcap.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a caption names an image's colour and shape: each must appear as a whole word, the shape also in its
 * plural ({@code circle}, {@code circles}; {@code cross}, {@code crosses}). "a redder circle" does not name red;
 * "a red circle" names both.
 */
final class CaptionScore {

    private CaptionScore() {
    }

    /**
     * @param caption the generated caption
     * @param word the expected word, e.g. {@code red} or {@code cross}
     * @return whether the caption contains it (or its plural) as a word, ignoring case
     */
    static boolean names(String caption, String word) {
        return Pattern.compile("\\b" + Pattern.quote(word.toLowerCase(Locale.ROOT)) + "(e?s)?\\b")
                .matcher(caption.toLowerCase(Locale.ROOT)).find();
    }
}
