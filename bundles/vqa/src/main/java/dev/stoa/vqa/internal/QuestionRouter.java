package dev.stoa.vqa.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Routes a question in any words to the canonical question of its type, the words the answering model was trained
 * on: the question and a list of anchor questions per type are embedded by a pretrained sentence encoder (MiniLM,
 * which has learnt paraphrases from a billion sentence pairs), and the question takes the type of the anchor it is
 * most similar to (cosine). Below {@code threshold}, or when the nearest anchor is one of the {@code other} anchors
 * (questions about what the scene description cannot tell: size, position, background, ...), the question is not
 * routed and goes on unchanged.
 *
 * <p>The anchors are train side: they never include a held-out phrasing ({@code HeldOutPhrasingsTest}).
 */
final class QuestionRouter {

    /** The type of anchors that mark questions the pipeline cannot answer; never routed. */
    static final String OTHER = "other";

    /**
     * The anchors per type: the training wordings ({@link SceneQuestions#WORDINGS}) and a few short forms, and the
     * {@value #OTHER} anchors.
     */
    static final Map<String, List<String>> ANCHORS = anchors();

    /**
     * The default similarity below which a question is not routed: chosen on the development paraphrases and
     * out-of-scope questions of {@code QuestionRouterTest} (0.45 routes as many paraphrases right as 0.25 does there and
     * lets fewer out-of-scope questions through than lower values; 0.5 loses paraphrases).
     */
    static final double DEFAULT_THRESHOLD = 0.45;

    /** The router's decision. */
    record Route(String original, String question, String type, String nearest, double similarity, boolean routed) {

        /** @return it as the service answers it */
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("question", question);
            m.put("original", original);
            m.put("type", type);
            m.put("nearest", nearest);
            m.put("similarity", similarity);
            m.put("routed", routed);
            return m;
        }
    }

    private final Function<List<String>, List<float[]>> encoder;
    private final List<String> anchorTypes = new ArrayList<>();
    private volatile List<float[]> anchorVectors;

    /** @param encoder embeds texts, one vector per text, in order */
    QuestionRouter(Function<List<String>, List<float[]>> encoder) {
        this.encoder = encoder;
    }

    /**
     * @param question the question as asked
     * @param threshold the similarity, -1 to 1, from which the question is routed
     * @return the canonical question of its type when routed, else the question unchanged, with the type, the
     *     nearest anchor's type and its similarity
     */
    Route route(String question, double threshold) {
        List<float[]> anchors = anchorVectors();
        float[] q = unit(encoder.apply(List.of(question)).get(0));
        double best = -2;
        String nearest = null;
        for (int i = 0; i < anchors.size(); i++) {
            double s = dot(q, anchors.get(i));
            if (s > best) {
                best = s;
                nearest = anchorTypes.get(i);
            }
        }
        boolean routed = best >= threshold && !OTHER.equals(nearest);
        return new Route(
                question,
                routed ? SceneQuestions.WORDINGS.get(nearest).get(0) : question,
                routed ? nearest : null,
                nearest,
                best,
                routed);
    }

    private List<float[]> anchorVectors() {
        List<float[]> a = anchorVectors;
        if (a == null) {
            synchronized (this) {
                if (anchorVectors == null) {
                    List<String> texts = new ArrayList<>();
                    anchorTypes.clear();
                    ANCHORS.forEach((type, list) -> list.forEach(t -> {
                        anchorTypes.add(type);
                        texts.add(t);
                    }));
                    List<float[]> vectors = new ArrayList<>();
                    encoder.apply(texts).forEach(v -> vectors.add(unit(v)));
                    anchorVectors = List.copyOf(vectors);
                }
                a = anchorVectors;
            }
        }
        return a;
    }

    private static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (n == 0 ? 0 : v[i] / n);
        }
        return u;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static Map<String, List<String>> anchors() {
        Map<String, List<String>> extra = Map.of(
                "colour", List.of("Which color?", "What is its colour?", "What colour are they?"),
                "shape", List.of("What is the shape?", "Which shape?", "What shape are they?"),
                "count", List.of("How many?", "How many are drawn?", "What is the count?"),
                "text", List.of("What is the word?", "What text is there?", "Which letters are written?"));
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String type : SceneQuestions.TYPES) {
            List<String> list = new ArrayList<>(SceneQuestions.WORDINGS.get(type));
            list.addAll(extra.get(type));
            out.put(type, List.copyOf(list));
        }
        out.put(
                OTHER,
                List.of(
                        "How big is the shape?",
                        "What size are they?",
                        "Where is the shape?",
                        "What is in the background?",
                        "Is the shape large or small?",
                        "Why is it there?",
                        "Who drew it?",
                        "What time is it?",
                        "What is the weather like?",
                        "Is it rotated?"));
        return java.util.Collections.unmodifiableMap(out);
    }
}
