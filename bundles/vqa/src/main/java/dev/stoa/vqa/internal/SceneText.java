package dev.stoa.vqa.internal;

import dev.stoa.api.dataset.Example;
import java.util.List;
import java.util.Locale;

/**
 * The Socratic prompt in words, the same the {@code socratic-vqa} pipeline's template writes from its stages' outputs:
 *
 * <pre>
 * scene: red circle. count: two. text: STOP.      CLIP's zero-shot label, its count label, OCR's text
 * scene: red circle. count: two. caption: two red circles. text: STOP.     with a ClipCap caption stage
 * q: What colour is the shape?
 * a: red
 * </pre>
 *
 * A missing part (no word in the image, a stage left out) is written empty ({@code text: .}), as the template
 * renders a skipped stage. Blocks end with a newline so solved examples can precede the question (PiCA's few-shot
 * prompt). The answering model is trained on this text and continues {@link #prompt} with the answer.
 */
final class SceneText {

    private SceneText() {}

    /**
     * @param tags the colour and shape, e.g. {@code red circle}
     * @param count the count word, e.g. {@code two}
     * @param text the word in the image, or empty
     * @return the scene description line
     */
    static String description(String tags, String count, String text) {
        return description(tags, count, null, text);
    }

    /**
     * @param tags the colour and shape, e.g. {@code red circle}
     * @param count the count word, e.g. {@code two}
     * @param caption ClipCap's caption, e.g. {@code two red circles}; empty when the stage was left out; null for the
     *     description without a caption field (a model trained without captions)
     * @param text the word in the image, or empty
     * @return the scene description line
     */
    static String description(String tags, String count, String caption, String text) {
        return "scene: " + tags + ". count: " + count + "." + (caption == null ? "" : " caption: " + caption + ".")
                + " text: " + (text == null ? "" : text) + ".\n";
    }

    /** @return the description of a shapes example as the pipeline would write it with every stage right */
    static String description(Example e) {
        return description(
                e.attributes().get("colour") + " " + e.attributes().get("shape"),
                SceneQuestions.NUMBERS.get(Integer.parseInt(e.attributes().get("count"))),
                e.attributes().get("text"));
    }

    /** @return the prompt the model continues: the description and the question, up to {@code a:} */
    static String prompt(String description, String question) {
        return description + "q: " + question + "\na:";
    }

    /** @return a solved block: the prompt followed by the answer and a newline */
    static String solved(String description, SceneQuestion q) {
        return prompt(description, q.question()) + " " + q.answer() + "\n";
    }

    /** @return solved examples, then the question's prompt (PiCA's in-context prompt) */
    static String fewShot(List<String> solvedBlocks, String prompt) {
        return String.join("", solvedBlocks) + prompt;
    }

    /**
     * @param answer a model's answer
     * @return its first word, lower case, without punctuation around it
     */
    static String normalise(String answer) {
        String t = answer == null ? "" : answer.strip();
        int space = t.indexOf(' ');
        int newline = t.indexOf('\n');
        int end = t.length();
        if (space >= 0) {
            end = Math.min(end, space);
        }
        if (newline >= 0) {
            end = Math.min(end, newline);
        }
        return t.substring(0, end)
                .replaceAll("^[\\p{Punct}]+|[\\p{Punct}]+$", "")
                .toLowerCase(Locale.ROOT);
    }
}
