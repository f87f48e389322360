package dev.stoa.launcher.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * {@code stoa eval-vqa [--pipeline P[,P2...]] [--n 200] [--seed 0] [--image-size 96] [--parallel 4] [--url U]}: the
 * Socratic VQA evaluation, end to end through HTTP. It fetches the synthetic evaluation set from the server's
 * {@code vqa-eval-set} service (held-out shapes scenes with questions about colour, shape, count and the word in the
 * image), sends each {@code {"image", "question"}} to the pipeline, has the same service score the answers, and
 * prints accuracy per question type and overall, one column per pipeline, so ablation variants (e.g.
 * {@code socratic-vqa,socratic-vqa-no-ocr}) show each stage's contribution side by side.
 *
 * <p>A question whose call fails counts as wrong and is reported with its error. Scoring lives in the service so
 * the command and any other client score alike.
 */
public final class EvalVqaCommand implements Command {

    private final Function<String, String> env;

    /** The command as {@code bin/stoa} runs it, reading {@code STOA_URL} and {@code STOA_HTTP_PORT}. */
    public EvalVqaCommand() {
        this(System::getenv);
    }

    EvalVqaCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "eval-vqa";
    }

    @Override
    public String summary() {
        return "score Socratic VQA pipelines on the synthetic evaluation set: eval-vqa [--pipeline P[,P2]] [--n 200]"
                + " [--seed 0] [--image-size 96] [--parallel 4] [--url U]";
    }

    /** The parsed arguments. */
    record Options(List<String> pipelines, int n, long seed, int imageSize, int parallel, String url) {

        static Options parse(List<String> args) {
            List<String> pipelines = List.of("socratic-vqa");
            int n = 200;
            long seed = 0;
            int imageSize = 96;
            int parallel = 4;
            String url = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("'" + a + "' needs a value");
                }
                String v = args.get(++i);
                switch (a) {
                    case "--pipeline" -> pipelines = List.of(v.split(","));
                    case "--n" -> n = number(a, v, 1, 10_000);
                    case "--seed" -> seed = number(a, v, 0, Integer.MAX_VALUE);
                    case "--image-size" -> imageSize = number(a, v, 16, 512);
                    case "--parallel" -> parallel = number(a, v, 1, 64);
                    case "--url" -> url = v;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'; use --pipeline, --n,"
                            + " --seed, --image-size, --parallel or --url");
                }
            }
            return new Options(pipelines, n, seed, imageSize, parallel, url);
        }

        private static int number(String option, String v, int min, int max) {
            try {
                int x = Integer.parseInt(v.trim());
                if (x >= min && x <= max) {
                    return x;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " is '" + v + "'; use a whole number from " + min + " to "
                    + max);
        }

        JsonObject setRequest() {
            JsonObject o = new JsonObject();
            o.addProperty("n", n);
            o.addProperty("seed", seed);
            o.addProperty("image_size", imageSize);
            return o;
        }
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("stoa eval-vqa: " + e.getMessage());
            err.println("usage: " + summary());
            return CommandLine.USAGE_ERROR;
        }
        ServerClient server = new ServerClient(ServerClient.locate(o.url(), env));
        List<JsonObject> scores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(o.parallel());
        try {
            List<JsonObject> items = new ArrayList<>();
            server.post("/v1/services/vqa-eval-set", o.setRequest()).getAsJsonObject().getAsJsonArray("items")
                    .forEach(e -> items.add(e.getAsJsonObject()));
            out.println("eval-vqa: " + items.size() + " questions (seed " + o.seed() + ", " + o.imageSize() + " px)"
                    + " from " + server.base());
            for (String pipeline : o.pipelines()) {
                long start = System.nanoTime();
                JsonObject answers = answer(server, pool, pipeline, items, err);
                double seconds = (System.nanoTime() - start) / 1e9;
                JsonObject request = o.setRequest();
                request.add("answers", answers);
                JsonObject score = server.post("/v1/services/vqa-eval-set", request).getAsJsonObject();
                score.addProperty("seconds", seconds);
                scores.add(score);
                printWrong(pipeline, score, out);
            }
        } catch (ServerClient.ServerError e) {
            err.println("stoa eval-vqa: " + e.getMessage());
            return 1;
        } finally {
            pool.shutdownNow();
        }
        out.print(table(o.pipelines(), scores));
        return 0;
    }

    private static JsonObject answer(ServerClient server, ExecutorService pool, String pipeline,
            List<JsonObject> items, PrintStream err) throws Exception {
        List<Future<String>> calls = new ArrayList<>();
        for (JsonObject item : items) {
            calls.add(pool.submit(() -> {
                JsonObject body = new JsonObject();
                body.add("image", item.get("image"));
                body.add("question", item.get("question"));
                JsonElement a = server.post("/v1/pipelines/" + pipeline, body);
                return a.isJsonObject() && a.getAsJsonObject().has("text")
                        ? a.getAsJsonObject().get("text").getAsString() : a.toString();
            }));
        }
        JsonObject answers = new JsonObject();
        int failed = 0;
        for (int i = 0; i < items.size(); i++) {
            try {
                answers.addProperty(items.get(i).get("id").getAsString(), calls.get(i).get());
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof ServerClient.ServerError se && failed++ < 3) {
                    err.println("stoa eval-vqa: " + pipeline + ": " + items.get(i).get("id").getAsString() + ": "
                            + se.getMessage());
                } else if (!(e.getCause() instanceof ServerClient.ServerError)) {
                    throw e;
                }
            }
        }
        if (failed > 0) {
            err.println("stoa eval-vqa: " + pipeline + ": " + failed + " of " + items.size() + " calls failed"
                    + " (counted wrong)");
        }
        return answers;
    }

    private static void printWrong(String pipeline, JsonObject score, PrintStream out) {
        if (score.has("wrong") && !score.getAsJsonArray("wrong").isEmpty()) {
            out.println(pipeline + ": some wrong answers:");
            score.getAsJsonArray("wrong").forEach(w -> {
                JsonObject o = w.getAsJsonObject();
                out.println("  " + o.get("id").getAsString() + "  " + o.get("question").getAsString() + "  expected "
                        + o.get("expected").getAsString() + ", got "
                        + (o.has("got") && !o.get("got").isJsonNull() ? "'" + o.get("got").getAsString().strip()
                        + "'" : "no answer"));
            });
        }
    }

    /** @return accuracy per question type (rows) and pipeline (columns), with counts, then overall and time */
    static String table(List<String> pipelines, List<JsonObject> scores) {
        List<String> types = new ArrayList<>();
        for (JsonObject s : scores) {
            s.getAsJsonObject("by_type").keySet().forEach(t -> {
                if (!types.contains(t)) {
                    types.add(t);
                }
            });
        }
        int width = Math.max(18, pipelines.stream().mapToInt(String::length).max().orElse(0) + 2);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-10s", "question"));
        pipelines.forEach(p -> b.append(String.format(Locale.ROOT, "%" + width + "s", p)));
        b.append('\n');
        for (String t : types) {
            b.append(String.format(Locale.ROOT, "%-10s", t));
            for (JsonObject s : scores) {
                JsonObject c = s.getAsJsonObject("by_type").getAsJsonObject(t);
                b.append(String.format(Locale.ROOT, "%" + width + "s", c == null ? "-" : cell(c)));
            }
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "%-10s", "overall"));
        scores.forEach(s -> b.append(String.format(Locale.ROOT, "%" + width + "s", cell(s.getAsJsonObject("overall")))));
        b.append('\n').append(String.format(Locale.ROOT, "%-10s", "seconds"));
        scores.forEach(s -> b.append(String.format(Locale.ROOT, "%" + width + ".1f",
                s.has("seconds") ? s.get("seconds").getAsDouble() : Double.NaN)));
        return b.append('\n').toString();
    }

    private static String cell(JsonObject c) {
        return String.format(Locale.ROOT, "%.1f%% (%d/%d)", 100 * c.get("accuracy").getAsDouble(),
                c.get("correct").getAsInt(), c.get("total").getAsInt());
    }
}
