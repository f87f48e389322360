package dev.stoa.survey.internal;

import dev.stoa.survey.internal.SceneWords.Attribute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * The benchmark's tasks, each scored the same way for every row that does it, through the service contracts of
 * {@link SurveyRows}. Every item whose call fails counts as wrong, and the first failure is kept for the table's
 * notes.
 */
final class SurveyTasks {

    private final Calls calls;
    private final ExecutorService pool;
    private final long seed;

    /**
     * @param calls reaches the services
     * @param pool the calls in flight at once
     * @param seed the seed of the negatives' draws
     */
    SurveyTasks(Calls calls, ExecutorService pool, long seed) {
        this.calls = calls;
        this.pool = pool;
        this.seed = seed;
    }

    /**
     * Image-text matching: every second scene's caption is changed in one attribute (colour, shape and count in
     * turn; count only where scenes have several copies); a score above 0.5 says "matches".
     *
     * @return {@code accuracy}, {@code positives} (true captions accepted), {@code colour}/{@code shape}/{@code count}
     *     (changed captions of that kind rejected)
     */
    Cell match(String service, List<Scene> scenes, int maxCount) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        List<JsonObject> requests = new ArrayList<>();
        List<Attribute> changed = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            Attribute a = null;
            if (i % 2 == 1) {
                Attribute[] kinds =
                        maxCount > 1 ? Attribute.values() : new Attribute[] {Attribute.COLOUR, Attribute.SHAPE};
                a = kinds[k++ % kinds.length];
            }
            String caption = SceneWords.caption(a == null ? s : SceneWords.change(s, a, maxCount, random));
            requests.add(new JsonObject().put("image", s.image()).put("text", caption));
            changed.add(a);
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        Map<String, int[]> counts = new LinkedHashMap<>();
        counts.put("accuracy", new int[2]);
        counts.put("positives", new int[2]);
        for (Attribute a : Attribute.values()) {
            counts.put(a.id(), new int[2]);
        }
        for (int i = 0; i < answers.size(); i++) {
            Calls.Answer answer = answers.get(i);
            boolean saysMatch = answer.ok() && number(answer.json(), "score") > 0.5;
            boolean right = answer.ok() && saysMatch == (changed.get(i) == null);
            add(counts, "accuracy", right);
            add(counts, changed.get(i) == null ? "positives" : changed.get(i).id(), right);
        }
        return cell(counts, answers);
    }

    /**
     * Captioning: the colour, shape and number a greedy caption names, against the scene's.
     *
     * @return {@code colour_shape} (both right), {@code colour}, {@code shape}, {@code count}
     */
    Cell caption(String service, List<Scene> scenes) throws InterruptedException {
        List<JsonObject> requests = new ArrayList<>();
        scenes.forEach(s -> requests.add(new JsonObject().put("image", s.image())));
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (String m : List.of("colour_shape", "colour", "shape", "count")) {
            counts.put(m, new int[2]);
        }
        for (int i = 0; i < answers.size(); i++) {
            Scene s = scenes.get(i);
            Calls.Answer answer = answers.get(i);
            SceneWords.Reading r =
                    answer.ok() ? SceneWords.read(text(answer.json())) : new SceneWords.Reading(null, null, null);
            boolean colour = s.colour().equals(r.colour());
            boolean shape = s.shape().equals(r.shape());
            add(counts, "colour_shape", colour && shape);
            add(counts, "colour", colour);
            add(counts, "shape", shape);
            add(counts, "count", r.count() != null && r.count() == s.count());
        }
        return cell(counts, answers);
    }

    /**
     * Zero-shot classification into the 30 colour-shape classes.
     *
     * @return {@code accuracy}
     */
    Cell zeroShot(String service, List<Scene> scenes) throws InterruptedException {
        JsonArray labels = new JsonArray();
        for (String c : SceneWords.COLOURS) {
            for (String s : SceneWords.SHAPES) {
                labels.add(c + " " + s);
            }
        }
        List<JsonObject> requests = new ArrayList<>();
        scenes.forEach(
                s -> requests.add(new JsonObject().put("image", s.image()).put("labels", labels)));
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        Map<String, int[]> counts = new LinkedHashMap<>();
        counts.put("accuracy", new int[2]);
        for (int i = 0; i < answers.size(); i++) {
            Calls.Answer a = answers.get(i);
            add(
                    counts,
                    "accuracy",
                    a.ok() && scenes.get(i).label().equals(a.json().getValue("label")));
        }
        return cell(counts, answers);
    }

    /**
     * Text-to-image retrieval: each gallery scene's caption is the query; the nearest image by cosine counts when it
     * shows the same colour, shape and number (many scenes share a caption, so "the one image" is not defined).
     *
     * @return {@code recall@1}
     */
    Cell retrieval(String imageService, String textService, List<Scene> gallery) throws InterruptedException {
        List<JsonObject> images = new ArrayList<>();
        List<JsonObject> texts = new ArrayList<>();
        for (Scene s : gallery) {
            images.add(new JsonObject().put("image", s.image()));
            texts.add(new JsonObject().put("text", SceneWords.caption(s)));
        }
        List<Calls.Answer> imageAnswers = Calls.all(calls, pool, imageService, images);
        List<Calls.Answer> textAnswers = Calls.all(calls, pool, textService, texts);
        List<float[]> g = new ArrayList<>();
        for (int i = 0; i < imageAnswers.size(); i++) {
            Calls.Answer a = imageAnswers.get(i);
            float[] v = a.ok() ? unit(a.json()) : null;
            if (a.ok() && v == null) {
                imageAnswers.set(i, notUnderstood(imageService, a.json()));
            }
            g.add(v);
        }
        Map<String, int[]> counts = new LinkedHashMap<>();
        counts.put("recall@1", new int[2]);
        List<Calls.Answer> each = new ArrayList<>(gallery.size()); // a query fails when its text or its image did
        for (int i = 0; i < gallery.size(); i++) {
            Calls.Answer q = textAnswers.get(i);
            float[] v = q.ok() ? unit(q.json()) : null;
            if (q.ok() && v == null) {
                q = notUnderstood(textService, q.json());
            }
            each.add(!q.ok() ? q : imageAnswers.get(i));
            if (v == null || g.get(i) == null) {
                add(counts, "recall@1", false);
                continue;
            }
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < g.size(); j++) {
                if (g.get(j) != null && g.get(j).length == v.length) {
                    double c = dot(v, g.get(j));
                    if (c > bestScore) {
                        bestScore = c;
                        best = j;
                    }
                }
            }
            add(counts, "recall@1", best >= 0 && gallery.get(best).sameContent(gallery.get(i)));
        }
        return cell(counts, each);
    }

    /**
     * VQA on the {@code vqa-eval-set} questions (held-out scenes, the same for the same seed), scored by that service.
     *
     * @return {@code accuracy} and one accuracy per question type ({@code colour}, {@code shape}, {@code count},
     *     {@code text})
     */
    Cell vqa(String service, int n) throws InterruptedException {
        JsonObject setRequest = new JsonObject().put("n", n).put("seed", seed).put("image_size", 96);
        JsonArray items = calls.call("vqa-eval-set", setRequest).getJsonArray("items");
        List<JsonObject> requests = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.getJsonObject(i);
            requests.add(
                    new JsonObject().put("image", item.getString("image")).put("question", item.getString("question")));
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        JsonObject given = new JsonObject();
        for (int i = 0; i < items.size(); i++) {
            Calls.Answer a = answers.get(i);
            if (a.ok()) {
                given.put(items.getJsonObject(i).getString("id"), text(a.json()));
            }
        }
        JsonObject score = calls.call("vqa-eval-set", setRequest.copy().put("answers", given));
        Map<String, Double> measures = new LinkedHashMap<>();
        measures.put("accuracy", score.getJsonObject("overall").getDouble("accuracy"));
        JsonObject byType = score.getJsonObject("by_type");
        byType.fieldNames().forEach(t -> measures.put(t, byType.getJsonObject(t).getDouble("accuracy")));
        int failed = (int) answers.stream().filter(a -> !a.ok()).count();
        return new Cell(measures, answers.size(), failed, firstFailure(answers, List.of()));
    }

    /**
     * Video: each clip's frames shuffled (a seeded permutation that moves at least one frame), the service puts them
     * back in time order ({@code order[k]} = the input index of the k-th frame in time).
     *
     * @return {@code accuracy} (the whole order right) and {@code pairwise} (pairs of frames in the right order)
     */
    Cell order(String service, List<Clip> clips) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> shuffles = new ArrayList<>();
        List<JsonObject> requests = new ArrayList<>();
        for (Clip c : clips) {
            int[] shown = shuffle(c.frames().size(), random); // shown[i] = the time of the i-th frame sent
            JsonArray frames = new JsonArray();
            for (int t : shown) {
                frames.add(c.frames().get(t));
            }
            shuffles.add(shown);
            requests.add(new JsonObject().put("frames", frames));
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        Map<String, int[]> counts = new LinkedHashMap<>();
        counts.put("accuracy", new int[2]);
        counts.put("pairwise", new int[2]);
        for (int i = 0; i < answers.size(); i++) {
            int[] shown = shuffles.get(i);
            int n = shown.length;
            int[] placed = new int[n]; // placed[t] = where the frame of time t was put, -1 when not
            java.util.Arrays.fill(placed, -1);
            Calls.Answer a = answers.get(i);
            JsonArray order = a.ok() && a.json().getValue("order") instanceof JsonArray o ? o : new JsonArray();
            for (int k = 0; k < Math.min(n, order.size()); k++) {
                if (order.getValue(k) instanceof Number x && x.intValue() >= 0 && x.intValue() < n) {
                    placed[shown[x.intValue()]] = k;
                }
            }
            boolean all = order.size() == n;
            for (int t = 0; t < n; t++) {
                all &= placed[t] == t;
                for (int u = t + 1; u < n; u++) {
                    add(counts, "pairwise", placed[t] >= 0 && placed[u] >= 0 && placed[t] < placed[u]);
                }
            }
            add(counts, "accuracy", all);
        }
        return cell(counts, answers);
    }

    /**
     * Video: questions about what happens in a clip, answered from its frames; the answer counts when it names the
     * asked attribute (the colour at the start, at the end, the shape, the direction it moves).
     *
     * @return {@code accuracy} and one accuracy per question ({@code start_colour}, {@code end_colour},
     *     {@code shape}, {@code direction})
     */
    Cell clipQa(String service, List<Clip> clips) throws InterruptedException {
        List<JsonObject> requests = new ArrayList<>();
        List<String[]> asked = new ArrayList<>(); // {attribute, answer}
        for (Clip c : clips) {
            JsonArray frames = new JsonArray(new ArrayList<>(c.frames()));
            for (Map.Entry<String, String> q : CLIP_QUESTIONS.entrySet()) {
                String answer = c.attributes().get(q.getKey());
                if (answer != null && !answer.isBlank()) {
                    requests.add(new JsonObject().put("frames", frames).put("question", q.getValue()));
                    asked.add(new String[] {q.getKey(), answer});
                }
            }
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        Map<String, int[]> counts = new LinkedHashMap<>();
        counts.put("accuracy", new int[2]);
        CLIP_QUESTIONS.keySet().forEach(k -> counts.put(k, new int[2]));
        for (int i = 0; i < answers.size(); i++) {
            Calls.Answer a = answers.get(i);
            String expected = asked.get(i)[1].toLowerCase(java.util.Locale.ROOT);
            boolean right = a.ok()
                    && java.util.Arrays.asList(text(a.json())
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .split("[^a-z]+"))
                            .contains(expected);
            add(counts, "accuracy", right);
            add(counts, asked.get(i)[0], right);
        }
        return cell(counts, answers);
    }

    /** The clip questions: the attribute of {@code shapes-clips} that answers it -> the question asked. */
    static final Map<String, String> CLIP_QUESTIONS = clipQuestions();

    private static Map<String, String> clipQuestions() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("start_colour", "What colour is the shape at the start?");
        q.put("end_colour", "What colour is the shape at the end?");
        q.put("shape", "What shape is in the clip?");
        q.put("direction", "Which way does the shape move?");
        return java.util.Collections.unmodifiableMap(q);
    }

    /** @return a permutation of 0..n-1 that is not the identity (n > 1) */
    private static int[] shuffle(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        boolean identity = true;
        while (identity && n > 1) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            identity = true;
            for (int i = 0; i < n; i++) {
                identity &= p[i] == i;
            }
        }
        return p;
    }

    static String text(JsonObject answer) {
        Object t = answer.getValue("text");
        return t instanceof String s ? s : answer.encode();
    }

    private static double number(JsonObject answer, String field) {
        return answer.getValue(field) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * @return the answer's embedding ({@code embedding}, as an {@code Embedding} travels in JSON, or {@code vector}),
     *     scaled to unit length, or null when the answer has none
     */
    static float[] unit(JsonObject answer) {
        Object field = answer.getValue("embedding", answer.getValue("vector"));
        if (!(field instanceof JsonArray v) || v.isEmpty()) {
            return null;
        }
        float[] x = new float[v.size()];
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            if (!(v.getValue(i) instanceof Number n)) {
                return null;
            }
            x[i] = n.floatValue();
            norm += x[i] * x[i];
        }
        norm = Math.sqrt(norm) + 1e-12;
        for (int i = 0; i < x.length; i++) {
            x[i] /= (float) norm;
        }
        return x;
    }

    private static Calls.Answer notUnderstood(String service, JsonObject answer) {
        String shown = answer.encode();
        return new Calls.Answer(
                null,
                new dev.stoa.api.StoaException(
                        dev.stoa.api.FailureCode.BAD_INPUT,
                        service + " answered without an 'embedding': "
                                + (shown.length() > 120 ? shown.substring(0, 120) + "..." : shown)));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void add(Map<String, int[]> counts, String measure, boolean right) {
        int[] c = counts.get(measure);
        c[0] += right ? 1 : 0;
        c[1]++;
    }

    private static Cell cell(Map<String, int[]> counts, List<Calls.Answer> answers) {
        return cell(counts, answers, firstFailure(answers, List.of()));
    }

    private static Cell cell(Map<String, int[]> counts, List<Calls.Answer> answers, String failure) {
        Map<String, Double> measures = new LinkedHashMap<>();
        counts.forEach((k, c) -> {
            if (c[1] > 0) {
                measures.put(k, (double) c[0] / c[1]);
            }
        });
        int failed = (int) answers.stream().filter(a -> !a.ok()).count();
        return new Cell(measures, answers.size(), failed, failure);
    }

    private static String firstFailure(List<Calls.Answer> a, List<Calls.Answer> b) {
        for (List<Calls.Answer> list : List.of(a, b)) {
            for (Calls.Answer x : list) {
                if (!x.ok()) {
                    return x.failure().code() + ": " + x.failure().getMessage();
                }
            }
        }
        return null;
    }
}
