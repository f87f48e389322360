package dev.stoa.vqa.internal;

import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The questions a shapes scene answers, from its attributes ({@code colour}, {@code shape}, {@code count},
 * {@code text}, as the {@code shapes} dataset sets them): one per type, the wording drawn from a few templates so a
 * model cannot key on one sentence. A scene without a word gets no text question.
 */
final class SceneQuestions {

    /** The question types, in report order. */
    static final List<String> TYPES = List.of("colour", "shape", "count", "text");

    /** Number words for counts (index = count), as the shapes dataset's captions write them. */
    static final List<String> NUMBERS =
            List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");

    /**
     * The training wordings per type, which the evaluation set's standard questions also use; the first of each is
     * the canonical question the question router rewrites a question of that type to.
     */
    static final Map<String, List<String>> WORDINGS = Map.of(
            "colour", List.of("What colour is the shape?", "What color are the shapes?", "Which colour is it?"),
            "shape", List.of("What shape is in the image?", "Which shape is drawn?", "What kind of shape is it?"),
            "count",
                    List.of(
                            "How many shapes are there?",
                            "How many shapes are in the image?",
                            "What is the number of shapes?"),
            "text",
                    List.of(
                            "What word is written in the image?",
                            "What does the text say?",
                            "Which word is in the picture?"));

    private SceneQuestions() {}

    /**
     * @param example a shapes example
     * @param random draws the wording
     * @return its questions in {@link #TYPES} order, those its attributes answer
     * @throws IllegalArgumentException if the example lacks colour, shape or count
     */
    static List<SceneQuestion> of(Example example, SplittableRandom random) {
        Map<String, String> a = example.attributes();
        for (String key : List.of("colour", "shape", "count")) {
            if (!a.containsKey(key)) {
                throw new IllegalArgumentException("example " + example.id() + " has no '" + key + "' attribute;"
                        + " use the 'shapes' dataset, which sets colour, shape and count");
            }
        }
        List<SceneQuestion> out = new ArrayList<>();
        for (String type : TYPES) {
            String answer = switch (type) {
                case "count" -> NUMBERS.get(Integer.parseInt(a.get("count")));
                default -> a.get(type);
            };
            if (answer != null && !answer.isBlank()) {
                List<String> wordings = WORDINGS.get(type);
                out.add(new SceneQuestion(type, wordings.get(random.nextInt(wordings.size())), answer));
            }
        }
        return out;
    }
}
