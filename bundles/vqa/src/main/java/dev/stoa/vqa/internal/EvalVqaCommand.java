package dev.stoa.vqa.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.command.StoaCommand;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.runtime.ServiceCaller;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bin/stoa eval-vqa [--pipeline P[,P2...]] [--n 200] [--seed 0] [--image-size 96] [--parallel 4]
 * [--phrasings standard|held-out]}: the
 * Socratic VQA evaluation, run in the server (a {@link StoaCommand} of this bundle). It draws the synthetic
 * evaluation set ({@link VqaEvalSet}: held-out shapes scenes with questions about colour, shape, count and the word
 * in the image), sends each {@code {"image", "question"}} to the pipeline as an HTTP client would (the JSON request,
 * through {@link ServiceCaller}, so timeouts, metrics and hot-swap waits apply), scores the answers
 * ({@link VqaScore}, as the {@code vqa-eval-set} service does) and prints accuracy per question type and overall,
 * one column per pipeline, so ablation variants (e.g. {@code socratic-vqa,socratic-vqa-no-ocr}) show each stage's
 * contribution side by side. With {@code --phrasings held-out} each pipeline is asked the same questions (same
 * images, same answers) a second time in the held-out phrasings ({@link HeldOutPhrasings}), in a column of its own
 * beside the standard one. A question whose call fails counts as wrong and is reported with its error.
 */
@Component(service = StoaCommand.class)
public final class EvalVqaCommand implements StoaCommand {

    /** Answers one question with one pipeline: the pipeline's {@code text}, or its whole answer as text. */
    @FunctionalInterface
    interface Pipelines {
        String answer(String pipeline, JsonObject request);
    }

    /** What the held-out phrasings' column adds to the pipeline's name. */
    static final String HELD_OUT_SUFFIX = "/held-out";

    private final DatasetFactory shapes;
    private final Pipelines pipelines;

    /**
     * @param shapes the shapes dataset the evaluation set is drawn from
     * @param caller calls the pipelines
     */
    @Activate
    public EvalVqaCommand(
            @Reference(target = "(stoa.id=shapes)") DatasetFactory shapes, @Reference ServiceCaller caller) {
        this(shapes, (pipeline, request) -> {
            JsonObject a = caller.call(pipeline, request, JsonObject.class);
            return a.getValue("text") instanceof String text ? text : a.encode();
        });
    }

    EvalVqaCommand(DatasetFactory shapes, Pipelines pipelines) {
        this.shapes = shapes;
        this.pipelines = pipelines;
    }

    @Override
    public String name() {
        return "eval-vqa";
    }

    @Override
    public String summary() {
        return "score Socratic VQA pipelines on the synthetic evaluation set: " + EvalVqaOptions.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        EvalVqaOptions o;
        try {
            o = EvalVqaOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("stoa eval-vqa: " + e.getMessage());
            err.println("usage: " + EvalVqaOptions.USAGE);
            return USAGE_ERROR;
        }
        List<VqaEvalSet.Item> set = VqaEvalSet.make(shapes, o.n(), o.seed(), o.imageSize());
        out.println("eval-vqa: " + set.size() + " questions (seed " + o.seed() + ", " + o.imageSize() + " px)"
                + (o.heldOut()
                        ? "; each also asked in the held-out phrasings (column '" + HELD_OUT_SUFFIX + "')"
                        : ""));
        // the same images and answers; only the questions' words differ
        Map<String, List<VqaEvalSet.Item>> sets = new LinkedHashMap<>();
        sets.put("", set);
        if (o.heldOut()) {
            sets.put(HELD_OUT_SUFFIX, HeldOutPhrasings.rephrase(set, o.seed()));
        }
        List<String> columns = new ArrayList<>();
        List<Map<String, Object>> scores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(o.parallel());
        try {
            for (String pipeline : o.pipelines()) {
                for (Map.Entry<String, List<VqaEvalSet.Item>> s : sets.entrySet()) {
                    String column = pipeline + s.getKey();
                    long start = System.nanoTime();
                    Map<String, Object> answers = answer(pool, pipeline, s.getValue(), err);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Map<String, Object> score = new LinkedHashMap<>(VqaScore.score(s.getValue(), answers));
                    score.put("seconds", seconds);
                    columns.add(column);
                    scores.add(score);
                    printWrong(column, score, out);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        out.print(table(columns, scores));
        return OK;
    }

    private Map<String, Object> answer(
            ExecutorService pool, String pipeline, List<VqaEvalSet.Item> set, PrintStream err)
            throws InterruptedException, ExecutionException {
        List<Future<String>> calls = new ArrayList<>();
        for (VqaEvalSet.Item item : set) {
            Map<String, Object> json = VqaEvalSet.json(item);
            JsonObject request =
                    new JsonObject().put("image", json.get("image")).put("question", json.get("question"));
            calls.add(pool.submit(() -> pipelines.answer(pipeline, request)));
        }
        Map<String, Object> answers = new LinkedHashMap<>();
        int failed = 0;
        for (int i = 0; i < set.size(); i++) {
            try {
                answers.put(set.get(i).id(), calls.get(i).get());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof StoaException se)) {
                    throw e;
                }
                if (failed++ < 3) {
                    err.println("stoa eval-vqa: " + pipeline + ": " + set.get(i).id() + ": " + se.code() + ": "
                            + se.getMessage());
                }
            }
        }
        if (failed > 0) {
            err.println("stoa eval-vqa: " + pipeline + ": " + failed + " of " + set.size() + " calls failed"
                    + " (counted wrong)");
        }
        return answers;
    }

    @SuppressWarnings("unchecked")
    private static void printWrong(String pipeline, Map<String, Object> score, PrintStream out) {
        List<Map<String, Object>> wrong = (List<Map<String, Object>>) score.get("wrong");
        if (wrong != null && !wrong.isEmpty()) {
            out.println(pipeline + ": some wrong answers:");
            wrong.forEach(w -> out.println("  " + w.get("id") + "  " + w.get("question") + "  expected "
                    + w.get("expected") + ", got "
                    + (w.get("got") != null ? "'" + w.get("got").toString().strip() + "'" : "no answer")));
        }
    }

    /** @return accuracy per question type (rows) and pipeline (columns), with counts, then overall and time */
    @SuppressWarnings("unchecked")
    static String table(List<String> pipelines, List<Map<String, Object>> scores) {
        List<String> types = new ArrayList<>();
        for (Map<String, Object> s : scores) {
            ((Map<String, Object>) s.get("by_type")).keySet().forEach(t -> {
                if (!types.contains(t)) {
                    types.add(t);
                }
            });
        }
        int width =
                Math.max(18, pipelines.stream().mapToInt(String::length).max().orElse(0) + 2);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-10s", "question"));
        pipelines.forEach(p -> b.append(String.format(Locale.ROOT, "%" + width + "s", p)));
        b.append('\n');
        for (String t : types) {
            b.append(String.format(Locale.ROOT, "%-10s", t));
            for (Map<String, Object> s : scores) {
                Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) s.get("by_type")).get(t);
                b.append(String.format(Locale.ROOT, "%" + width + "s", c == null ? "-" : cell(c)));
            }
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "%-10s", "overall"));
        scores.forEach(s ->
                b.append(String.format(Locale.ROOT, "%" + width + "s", cell((Map<String, Object>) s.get("overall")))));
        b.append('\n').append(String.format(Locale.ROOT, "%-10s", "seconds"));
        scores.forEach(s -> b.append(String.format(
                Locale.ROOT,
                "%" + width + ".1f",
                s.get("seconds") instanceof Number n ? n.doubleValue() : Double.NaN)));
        return b.append('\n').toString();
    }

    private static String cell(Map<String, Object> c) {
        return String.format(
                Locale.ROOT,
                "%.1f%% (%d/%d)",
                100 * ((Number) c.get("accuracy")).doubleValue(),
                ((Number) c.get("correct")).intValue(),
                ((Number) c.get("total")).intValue());
    }
}
