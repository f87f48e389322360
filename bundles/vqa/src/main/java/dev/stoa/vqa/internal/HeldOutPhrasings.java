package dev.stoa.vqa.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The held-out question phrasings ({@code held-out-phrasings.txt} beside this class): questions of each type written
 * by hand in words and forms the training wordings never use, for evaluation only. Nothing that trains reads them
 * ({@code HeldOutPhrasingsTest} checks that no training wording and no router anchor is one of them).
 */
final class HeldOutPhrasings {

    /** The resource, beside this class. */
    static final String RESOURCE = "held-out-phrasings.txt";

    private static final Map<String, List<String>> BY_TYPE = load();

    private HeldOutPhrasings() {}

    /** @return the phrasings per question type, in {@link SceneQuestions#TYPES} order */
    static Map<String, List<String>> byType() {
        return BY_TYPE;
    }

    /**
     * Asks the same questions in held-out words: each item keeps its id, image, type and answer, and gets a phrasing
     * of its type drawn by {@code seed} (the same seed, the same phrasings; a longer set starts with the same ones).
     *
     * @param set the evaluation set, in the training wordings
     * @param seed draws the phrasings
     * @return the set with its questions reworded
     */
    static List<VqaEvalSet.Item> rephrase(List<VqaEvalSet.Item> set, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        List<VqaEvalSet.Item> out = new ArrayList<>(set.size());
        for (VqaEvalSet.Item item : set) {
            SceneQuestion q = item.question();
            List<String> phrasings = BY_TYPE.get(q.type());
            String question = phrasings.get(random.nextInt(phrasings.size()));
            out.add(new VqaEvalSet.Item(item.id(), item.example(), new SceneQuestion(q.type(), question, q.answer())));
        }
        return out;
    }

    /**
     * @param text a question
     * @return it in a form two wordings are compared in: lower case, letters, digits and single spaces only
     */
    static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    private static Map<String, List<String>> load() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        SceneQuestions.TYPES.forEach(t -> out.put(t, new ArrayList<>()));
        String text;
        try (InputStream in = HeldOutPhrasings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + HeldOutPhrasings.class.getName());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + ": " + e, e);
        }
        int lineNumber = 0;
        for (String line : text.split("\n")) {
            lineNumber++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            List<String> list = colon < 0 ? null : out.get(l.substring(0, colon).strip());
            if (list == null) {
                throw new IllegalStateException(RESOURCE + " line " + lineNumber + " is '" + l + "'; write <type>:"
                        + " <phrasing>, type one of " + SceneQuestions.TYPES);
            }
            list.add(l.substring(colon + 1).strip());
        }
        out.replaceAll((t, l) -> List.copyOf(l));
        return java.util.Collections.unmodifiableMap(out);
    }
}
