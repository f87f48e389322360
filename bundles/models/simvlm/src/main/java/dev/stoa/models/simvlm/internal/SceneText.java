package dev.stoa.models.simvlm.internal;

import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The text SimVLM trains on, written from a shapes scene's attributes ({@code colour}, {@code shape}, {@code count})
 * with three templates: "two red circles", "there are two red circles", "a picture of two red circles" (the fusion
 * bundle's captions, so the survey's models read and write the same sentences), and how a generated caption is
 * scored: {@link #names} and {@link #counts} apply the rule of the clipcap bundle's {@code CaptionScore}
 * ({@code caption_colour_shape_accuracy}), restated here because that class is private to its bundle.
 */
final class SceneText {

    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange");
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross");
    static final List<String> NUMBERS = List.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine");
    static final int TEMPLATES = 3;

    /** One scene: its colour, shape and number of copies. */
    record Scene(String colour, String shape, int count) {

        /** @return the shape word as a caption writes it: plural above one copy */
        String shapeWord() {
            return count == 1 ? shape : plural(shape);
        }
    }

    private SceneText() {}

    /**
     * @param example a shapes example
     * @return its scene
     * @throws IllegalArgumentException if it lacks a colour or shape the dataset draws
     */
    static Scene scene(Example example) {
        Map<String, String> a = example.attributes();
        String colour = a.get("colour");
        String shape = a.get("shape");
        if (!COLOURS.contains(colour) || !SHAPES.contains(shape)) {
            throw new IllegalArgumentException("example " + example.id() + " is not a shapes scene (colour " + colour
                    + ", shape " + shape + "); SimVLM trains on dataset id 'shapes'");
        }
        return new Scene(colour, shape, Integer.parseInt(a.getOrDefault("count", "1")));
    }

    /**
     * @param scene the scene
     * @param template 0 to {@link #TEMPLATES} - 1
     * @return its caption
     */
    static String caption(Scene scene, int template) {
        String phrase = NUMBERS.get(scene.count() - 1) + " " + scene.colour() + " " + scene.shapeWord();
        return switch (template) {
            case 0 -> phrase;
            case 1 -> (scene.count() == 1 ? "there is " : "there are ") + phrase;
            default -> "a picture of " + phrase;
        };
    }

    /** @return every word a caption can use, in a fixed order: the vocabulary */
    static List<String> vocabulary() {
        LinkedHashSet<String> words = new LinkedHashSet<>(List.of("there", "is", "are", "a", "picture", "of"));
        words.addAll(NUMBERS);
        words.addAll(COLOURS);
        for (String s : SHAPES) {
            words.add(s);
            words.add(plural(s));
        }
        return new ArrayList<>(words);
    }

    static String plural(String shape) {
        return shape.endsWith("s") ? shape + "es" : shape + "s";
    }
}
