package dev.stoa.nn.eval;

import dev.stoa.api.dataset.Example;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a generated caption names an image's colour, shape and count: each must appear as a whole word, the shape
 * also in its plural ({@code circle}, {@code circles}; {@code cross}, {@code crosses}). "a redder circle" does not name
 * red; "a red circle" names both. Every captioner's {@code caption_colour_shape_accuracy} and
 * {@code caption_count_accuracy} are these ({@link #score}).
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
     * The caption measures every captioner reports, over examples of the shapes dataset (attributes {@code colour},
     * {@code shape}, {@code count}): {@code <prefix>caption_colour_shape_accuracy/<split>} (colour and shape both
     * named), {@code ..._colour_accuracy}, {@code ..._shape_accuracy} and {@code ..._count_accuracy}, as fractions.
     *
     * @param examples the examples, in the order of the captions
     * @param captions one generated caption per example
     * @param prefix what the names start with, e.g. {@code ""} or {@code "zero_prefix_"} for an ablation
     * @param split the split's name, the names' suffix
     * @return the four measures, in that order
     */
    public static Map<String, Double> score(
            List<Example> examples, List<String> captions, String prefix, String split) {
        if (examples.size() != captions.size()) {
            throw new IllegalArgumentException(
                    examples.size() + " examples but " + captions.size() + " captions; give one caption each");
        }
        int colour = 0;
        int shape = 0;
        int both = 0;
        int counted = 0;
        for (int i = 0; i < examples.size(); i++) {
            Map<String, String> a = examples.get(i).attributes();
            boolean c = names(captions.get(i), a.get("colour"));
            boolean s = names(captions.get(i), a.get("shape"));
            colour += c ? 1 : 0;
            shape += s ? 1 : 0;
            both += c && s ? 1 : 0;
            counted += counts(captions.get(i), Integer.parseInt(a.getOrDefault("count", "1"))) ? 1 : 0;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double n = Math.max(1, examples.size());
        out.put(prefix + "caption_colour_shape_accuracy/" + split, both / n);
        out.put(prefix + "caption_colour_accuracy/" + split, colour / n);
        out.put(prefix + "caption_shape_accuracy/" + split, shape / n);
        out.put(prefix + "caption_count_accuracy/" + split, counted / n);
        return out;
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
