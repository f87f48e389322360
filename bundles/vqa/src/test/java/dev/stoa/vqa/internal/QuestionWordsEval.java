package dev.stoa.vqa.internal;

import dev.stoa.datasets.internal.ShapesDatasetFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A measuring tool, not a test: how the question's words alone change the answering model's accuracy. Over a running
 * server's {@code gpt-scene-qa} and {@code vqa-question-router}, it asks the evaluation set's questions (the same
 * {@code n} and {@code seed} as {@code eval-vqa}) about descriptions written as if every perception stage were right
 * (so only the question differs between columns): in the training wordings, in the held-out phrasings as asked, and
 * both through the router. Run with the test class path:
 *
 * <pre>java -cp ... dev.stoa.vqa.internal.QuestionWordsEval http://127.0.0.1:8080 200 0 0.45</pre>
 */
public final class QuestionWordsEval {

    private QuestionWordsEval() {}

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 0;
        Double threshold = args.length > 3 ? Double.valueOf(args[3]) : null;
        HttpClient http = HttpClient.newHttpClient();
        List<VqaEvalSet.Item> standard = VqaEvalSet.make(new ShapesDatasetFactory(), n, seed, 96);
        List<VqaEvalSet.Item> heldOut = HeldOutPhrasings.rephrase(standard, seed);
        SceneWriter writer = new SceneWriter(true, StageErrors.NONE);
        SplittableRandom random = new SplittableRandom(seed);
        List<String> descriptions = new ArrayList<>();
        standard.forEach(i -> descriptions.add(writer.clean(i.example(), random)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Map<String, Map<String, int[]>> columns = new LinkedHashMap<>();
        int[] routedRight = new int[2];
        for (String column : List.of("standard", "standard routed", "held-out", "held-out routed")) {
            List<VqaEvalSet.Item> set = column.startsWith("standard") ? standard : heldOut;
            boolean route = column.endsWith("routed");
            List<Future<String[]>> answers = new ArrayList<>();
            for (int i = 0; i < set.size(); i++) {
                SceneQuestion q = set.get(i).question();
                String description = descriptions.get(i);
                answers.add(pool.submit(() -> {
                    String question = q.question();
                    String type = null;
                    if (route) {
                        JsonObject r = new JsonObject().put("question", question);
                        if (threshold != null) {
                            r.put("threshold", threshold);
                        }
                        JsonObject routed = call(http, base, "vqa-question-router", r);
                        question = routed.getString("question");
                        type = routed.getString("type");
                    }
                    JsonObject g = call(
                            http,
                            base,
                            "gpt-scene-qa",
                            new JsonObject()
                                    .put("prompt", SceneText.prompt(description, question))
                                    .put("max_tokens", 12)
                                    .put("stop", new JsonArray().add("\n")));
                    return new String[] {g.getString("text"), type};
                }));
            }
            Map<String, int[]> byType = new LinkedHashMap<>();
            for (int i = 0; i < set.size(); i++) {
                SceneQuestion q = set.get(i).question();
                String[] a = answers.get(i).get();
                int[] c = byType.computeIfAbsent(q.type(), t -> new int[2]);
                boolean right = q.isAnsweredBy(a[0]);
                c[0] += right ? 1 : 0;
                c[1]++;
                if (column.equals("held-out routed")) {
                    routedRight[0] += q.type().equals(a[1]) ? 1 : 0;
                    routedRight[1]++;
                }
                if (!right && column.startsWith("held-out")) {
                    System.out.printf(
                            Locale.ROOT,
                            "%s: %s '%s' expected %s, got '%s'%n",
                            column,
                            q.type(),
                            q.question(),
                            q.answer(),
                            a[0].strip());
                }
            }
            columns.put(column, byType);
        }
        pool.shutdownNow();
        System.out.printf(Locale.ROOT, "%n%-9s", "question");
        columns.keySet().forEach(c -> System.out.printf(Locale.ROOT, "%20s", c));
        System.out.println();
        for (String type : SceneQuestions.TYPES) {
            System.out.printf(Locale.ROOT, "%-9s", type);
            columns.values().forEach(m -> System.out.printf(Locale.ROOT, "%20s", cell(m.get(type))));
            System.out.println();
        }
        System.out.printf(Locale.ROOT, "%-9s", "overall");
        columns.values().forEach(m -> {
            int[] all = new int[2];
            m.values().forEach(c -> {
                all[0] += c[0];
                all[1] += c[1];
            });
            System.out.printf(Locale.ROOT, "%20s", cell(all));
        });
        System.out.printf(Locale.ROOT, "%nheld-out questions routed to their type: %s%n", cell(routedRight));
    }

    private static String cell(int[] c) {
        return c == null ? "-" : String.format(Locale.ROOT, "%.1f%% (%d/%d)", 100.0 * c[0] / c[1], c[0], c[1]);
    }

    private static JsonObject call(HttpClient http, String base, String service, JsonObject body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/services/" + service))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(service + " answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body());
    }
}
