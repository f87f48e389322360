package dev.stoa.models.merlot.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The clip questions MERLOT answers with its masked-word head: each is a statement about the whole clip with the answer
 * masked, placed in the clip-level text segment ("it ends [MASK]"), and answered by the candidate word of its kind
 * with the highest probability there (colours, directions or shapes: a multiple choice read off the head). In
 * training the clip-level segment holds one such statement with its answer word masked.
 */
enum ClipQuestion {
    END_COLOUR("it ends", MerlotTokens.COLOURS, "end_colour"),
    START_COLOUR("it starts", MerlotTokens.COLOURS, "start_colour"),
    DIRECTION("it moves", MerlotTokens.DIRECTIONS, "direction"),
    SHAPE("it is a", MerlotTokens.SHAPES, "shape");

    /** What the service accepts, for messages. */
    static final String EXAMPLES = "'what colour is the shape at the end?', 'what colour is it at the start?', 'where"
            + " does it move?' or 'what shape is it?'";

    private final String prefix;
    private final List<String> answers;
    private final String attribute;

    ClipQuestion(String prefix, List<String> answers, String attribute) {
        this.prefix = prefix;
        this.answers = answers;
        this.attribute = attribute;
    }

    /** @return the statement's words before the answer, e.g. {@code it ends} */
    String prefix() {
        return prefix;
    }

    /** @return the words the answer is chosen among */
    List<String> answers() {
        return answers;
    }

    /** @return the metric's name part, e.g. {@code end_colour} */
    String metric() {
        return attribute;
    }

    /** @return the answer for a {@code shapes-clips} example, or null when the question does not apply (no move) */
    String answer(Example clip) {
        return clip.attributes().get(attribute);
    }

    /** @return the statement with its answer, e.g. {@code it ends blue} */
    String statement(String answer) {
        return prefix + " " + answer;
    }

    /** @return the questions that apply to a clip */
    static List<ClipQuestion> applicable(Example clip) {
        List<ClipQuestion> out = new ArrayList<>();
        for (ClipQuestion q : values()) {
            if (q.answer(clip) != null) {
                out.add(q);
            }
        }
        return out;
    }

    /**
     * Reads a question in words.
     *
     * @param question e.g. "what colour is the shape at the end?"
     * @return its kind
     * @throws StoaException BAD_INPUT naming {@code question} when it is not one of the kinds answered
     */
    static ClipQuestion parse(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        boolean colour = q.contains("colour") || q.contains("color");
        if (colour && containsAny(q, "end", "last", "final", "finish")) {
            return END_COLOUR;
        }
        if (colour && containsAny(q, "start", "begin", "first")) {
            return START_COLOUR;
        }
        if (colour) {
            throw StoaException.badInput(
                    "question", "asks a colour but not when; ask 'at the start' or 'at the end', e.g. " + EXAMPLES);
        }
        if (containsAny(q, "where", "direction", "which way", "move")) {
            return DIRECTION;
        }
        if (containsAny(q, "shape", "what is it", "what kind")) {
            return SHAPE;
        }
        throw StoaException.badInput("question", "is not a question this model answers; ask " + EXAMPLES);
    }

    private static boolean containsAny(String s, String... words) {
        for (String w : words) {
            if (s.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** @return the kinds by metric name, for reports */
    static Map<String, ClipQuestion> byMetric() {
        Map<String, ClipQuestion> m = new java.util.LinkedHashMap<>();
        for (ClipQuestion q : values()) {
            m.put(q.metric(), q);
        }
        return m;
    }
}
