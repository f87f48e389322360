package dev.stoa.models.clipcap.internal;

import dev.stoa.nn.eval.CaptionWords;

/**
 * Whether a caption names an image's colour and shape: each must appear as a whole word, the shape also in its
 * plural ({@code circle}, {@code circles}; {@code cross}, {@code crosses}). "a redder circle" does not name red;
 * "a red circle" names both. The rules are {@link CaptionWords}', shared with CoCa so both measure captions alike.
 */
final class CaptionScore {

    private CaptionScore() {}

    /**
     * Whether a caption gives an image's count: several copies need their number word ("two red circles"); one copy
     * is right when the caption names no number above one ("a red circle", "there is one red circle").
     *
     * @param caption the generated caption
     * @param count how many copies the image shows, 1 to 9
     * @return whether the caption's count is right
     */
    static boolean counts(String caption, int count) {
        return CaptionWords.counts(caption, count);
    }

    /**
     * @param caption the generated caption
     * @param word the expected word, e.g. {@code red} or {@code cross}
     * @return whether the caption contains it (or its plural) as a word, ignoring case
     */
    static boolean names(String caption, String word) {
        return CaptionWords.names(caption, word);
    }
}
