package dev.stoa.nn.eval;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a generated caption names an image's colour, shape and count: each must appear as a whole word, the shape
 * also in its plural ({@code circle}, {@code circles}; {@code cross}, {@code crosses}). "a redder circle" does not name
 * red; "a red circle" names both. ClipCap's and CoCa's {@code caption_colour_shape_accuracy} and
 * {@code caption_count_accuracy} are these.
 */
public final class CaptionWords {

    /** Number words as the shapes dataset's captions write them (index = count). */
    public static final List<String> NUMBERS =
            List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");

    private CaptionWords() {}

    /**
     * Whether a caption gives an image's count: several copies need their number word ("two red circles"); one copy
     * is right when the caption names no number above one ("a red circle", "there is one red circle").
     *
     * @param caption the generated caption
     * @param count how many copies the image shows, 1 to 9
     * @return whether the caption's count is right
     */
    public static boolean counts(String caption, int count) {
        if (count > 1) {
            return names(caption, NUMBERS.get(count));
        }
        for (int n = 2; n < NUMBERS.size(); n++) {
            if (names(caption, NUMBERS.get(n))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param caption the generated caption
     * @param word the expected word, e.g. {@code red} or {@code cross}
     * @return whether the caption contains it (or its plural) as a word, ignoring case
     */
    public static boolean names(String caption, String word) {
        return Pattern.compile("\\b" + Pattern.quote(word.toLowerCase(Locale.ROOT)) + "(e?s)?\\b")
                .matcher(caption.toLowerCase(Locale.ROOT))
                .find();
    }
}
