package dev.stoa.survey.internal;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The words of a shapes scene, as the benchmark writes and reads them: a caption "two red circles" (the number word,
 * the colour, the shape, plural above one), a caption changed in exactly one attribute (the hard negative of
 * image-text matching), and the colour, shape and number a model's free text names (captions, answers).
 */
final class SceneWords {

    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange");
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross");
    static final List<String> NUMBERS = List.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine");

    /** What a hard negative changes. */
    enum Attribute {
        COLOUR,
        SHAPE,
        COUNT;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a text says of a scene; null where it does not say. */
    record Reading(String colour, String shape, Integer count) {}

    private SceneWords() {}

    /** @return "one red circle", "three blue stars" */
    static String caption(Scene s) {
        return NUMBERS.get(s.count() - 1) + " " + s.colour() + " " + (s.count() == 1 ? s.shape() : plural(s.shape()));
    }

    /**
     * @param s the scene
     * @param attribute what to change
     * @param maxCount the most copies a scene has
     * @param random draws the new value, uniformly among the others
     * @return the scene with that one attribute changed
     */
    static Scene change(Scene s, Attribute attribute, int maxCount, SplittableRandom random) {
        return switch (attribute) {
            case COLOUR -> s.with(other(COLOURS, s.colour(), random), s.shape(), s.count());
            case SHAPE -> s.with(s.colour(), other(SHAPES, s.shape(), random), s.count());
            case COUNT -> {
                int c = 1 + random.nextInt(maxCount - 1);
                yield s.with(s.colour(), s.shape(), c >= s.count() ? c + 1 : c);
            }
        };
    }

    /**
     * Reads what a text says: the first colour word, the first shape word (singular or plural) and the first number
     * (a word from one to nine, or digits; "a"/"an" before a singular shape read as one).
     *
     * @param text a caption or an answer, any case and punctuation
     * @return what it names
     */
    static Reading read(String text) {
        String colour = null;
        String shape = null;
        Integer count = null;
        String[] words = text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (colour == null && COLOURS.contains(w)) {
                colour = w;
            }
            if (shape == null) {
                for (String s : SHAPES) {
                    if (w.equals(s) || w.equals(plural(s))) {
                        shape = s;
                        if (count == null
                                && w.equals(s)
                                && i > 0
                                && (words[i - 1].equals("a")
                                        || words[i - 1].equals("an")
                                        || (i > 1 && (words[i - 2].equals("a") || words[i - 2].equals("an"))))) {
                            count = 1;
                        }
                    }
                }
            }
            if (count == null && NUMBERS.contains(w)) {
                count = NUMBERS.indexOf(w) + 1;
            } else if (count == null && w.matches("[0-9]{1,2}")) {
                count = Integer.parseInt(w);
            }
        }
        return new Reading(colour, shape, count);
    }

    static String plural(String shape) {
        return shape.endsWith("s") ? shape + "es" : shape + "s";
    }

    private static String other(List<String> values, String not, SplittableRandom random) {
        int i = random.nextInt(values.size() - 1);
        int at = values.indexOf(not);
        return values.get(at >= 0 && i >= at ? i + 1 : i);
    }
}
