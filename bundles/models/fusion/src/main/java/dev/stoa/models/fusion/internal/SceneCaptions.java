package dev.stoa.models.fusion.internal;

import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The captions VisualBERT trains and is evaluated on, written from a shapes scene's attributes ({@code colour},
 * {@code shape}, {@code count}) so that a caption and its one-attribute hard negative come from the same template and
 * differ in exactly one word (or in the count word and the plural): "two red circles", "there are two red circles", "a
 * picture of two red circles". A negative that differs in its template would be told apart by its wording alone.
 *
 * <p>The colours and shapes are those of the {@code shapes} dataset; counts are 1 to {@code maxCount}.
 */
final class SceneCaptions {

    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange");
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross");
    static final List<String> NUMBERS = List.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine");
    static final int TEMPLATES = 3;

    /** What a hard negative changes. */
    enum Attribute {
        COLOUR,
        SHAPE,
        COUNT
    }

    /** One scene: its colour, shape and number of copies. */
    record Scene(String colour, String shape, int count) {

        /** @return the scene with one attribute replaced by another value of it, drawn uniformly */
        Scene change(Attribute attribute, SplittableRandom random, int maxCount) {
            return switch (attribute) {
                case COLOUR -> new Scene(other(COLOURS, colour, random), shape, count);
                case SHAPE -> new Scene(colour, other(SHAPES, shape, random), count);
                case COUNT -> new Scene(colour, shape, otherCount(count, maxCount, random));
            };
        }
    }

    private SceneCaptions() {}

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
                    + ", shape " + shape + "); VisualBERT trains on dataset id 'shapes'");
        }
        return new Scene(colour, shape, Integer.parseInt(a.getOrDefault("count", "1")));
    }

    /**
     * @param scene the scene
     * @param template 0 to {@link #TEMPLATES} - 1
     * @return its caption
     */
    static String caption(Scene scene, int template) {
        String phrase = NUMBERS.get(scene.count() - 1) + " " + scene.colour() + " "
                + (scene.count() == 1 ? scene.shape() : plural(scene.shape()));
        return switch (template) {
            case 0 -> phrase;
            case 1 -> (scene.count() == 1 ? "there is " : "there are ") + phrase;
            default -> "a picture of " + phrase;
        };
    }

    /** @return a scene unlike {@code not}, differing in at least one attribute, drawn uniformly */
    static Scene random(Scene not, SplittableRandom random, int maxCount) {
        while (true) {
            Scene s = new Scene(
                    COLOURS.get(random.nextInt(COLOURS.size())),
                    SHAPES.get(random.nextInt(SHAPES.size())),
                    1 + random.nextInt(maxCount));
            if (!s.equals(not)) {
                return s;
            }
        }
    }

    /**
     * @param maxCount the most copies a caption counts; 1 leaves count out of the hard negatives
     * @param random the generator
     * @return an attribute a hard negative changes, uniformly among those that can change
     */
    static Attribute attribute(int maxCount, SplittableRandom random) {
        return maxCount > 1
                ? Attribute.values()[random.nextInt(3)]
                : random.nextBoolean() ? Attribute.COLOUR : Attribute.SHAPE;
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

    private static String other(List<String> values, String not, SplittableRandom random) {
        int i = random.nextInt(values.size() - 1);
        return values.get(i >= values.indexOf(not) ? i + 1 : i);
    }

    private static int otherCount(int not, int maxCount, SplittableRandom random) {
        if (maxCount < 2) {
            throw new IllegalArgumentException("cannot change the count of scenes of at most one copy");
        }
        int c = 1 + random.nextInt(maxCount - 1);
        return c >= not ? c + 1 : c;
    }
}
