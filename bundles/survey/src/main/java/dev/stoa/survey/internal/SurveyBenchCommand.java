package dev.stoa.survey.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.command.StoaCommand;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.runtime.ServiceCaller;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code bin/stoa bench-survey [--n 200] [--seed 0] [--rows FILE] [--only ROW,...] [--parallel 4]}: the survey
 * benchmark. Every row of the rows file ({@link SurveyRows}, {@code etc/survey-benchmark.yaml}) is a model or a
 * pipeline and the services that do its tasks; the command draws the same held-out scenes for all of them
 * ({@link SurveyScenes}), asks each service by its contract ({@link SurveyTasks}) and prints one Markdown table, a
 * row per model and a column per task, with parameters, steps and time from the models' training reports
 * ({@link TrainingFacts}). Progress goes to standard error, the report to standard output:
 * {@code bin/stoa bench-survey > docs/survey-benchmark.md}. A model that is not trained, or whose bundle is not
 * installed, keeps its row with a word for why; nothing is trained by the command.
 */
@Component(service = StoaCommand.class)
public final class SurveyBenchCommand implements StoaCommand {

    private final DatasetFactory shapes;
    private final DatasetFactory clips;
    private final Calls calls;
    private final ModelStore store;
    private final Path home;

    /**
     * @param shapes the shapes dataset the scenes come from
     * @param clips the shapes-clips dataset the video rows' clips come from, where installed
     * @param caller calls the services
     * @param context gives {@code stoa.home}: the rows file and the model store
     */
    @Activate
    public SurveyBenchCommand(
            @Reference(target = "(stoa.id=shapes)") DatasetFactory shapes,
            @Reference(
                            target = "(stoa.id=shapes-clips)",
                            cardinality = ReferenceCardinality.OPTIONAL,
                            policyOption = ReferencePolicyOption.GREEDY)
                    DatasetFactory clips,
            @Reference ServiceCaller caller,
            BundleContext context) {
        this(shapes, clips, (service, request) -> caller.call(service, request, JsonObject.class), home(context));
    }

    SurveyBenchCommand(DatasetFactory shapes, DatasetFactory clips, Calls calls, Path home) {
        this.shapes = shapes;
        this.clips = clips;
        this.calls = calls;
        this.home = home;
        this.store = ModelStore.at(home.toString());
    }

    private static Path home(BundleContext context) {
        String h = context.getProperty("stoa.home");
        return Path.of(h == null ? "." : h).toAbsolutePath();
    }

    @Override
    public String name() {
        return "bench-survey";
    }

    @Override
    public String summary() {
        return "measure every model family side by side on the same held-out scenes: " + SurveyOptions.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        SurveyOptions o;
        try {
            o = SurveyOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("stoa bench-survey: " + e.getMessage());
            err.println("usage: " + SurveyOptions.USAGE);
            return USAGE_ERROR;
        }
        Path file = o.rows() == null ? home.resolve("etc/survey-benchmark.yaml") : home.resolve(o.rows());
        SurveyRows rows;
        try {
            rows = SurveyRows.parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            err.println("stoa bench-survey: cannot read the rows file " + file + " (" + e + "); give one with --rows");
            return FAILED;
        } catch (StoaException e) {
            err.println("stoa bench-survey: " + e.getMessage());
            return FAILED;
        }
        List<SurveyRows.Row> chosen = rows.rows().stream()
                .filter(r -> o.only().isEmpty() || o.only().stream().anyMatch(n -> n.equalsIgnoreCase(r.name())))
                .toList();
        if (chosen.isEmpty()) {
            err.println("stoa bench-survey: no row is called " + o.only() + "; the rows are "
                    + rows.rows().stream().map(SurveyRows.Row::name).toList());
            return USAGE_ERROR;
        }
        Map<String, List<Scene>> scenes = SurveyScenes.draw(shapes, rows.scenes(), o.seed(), o.n());
        List<List<Scene>> splits = new ArrayList<>(scenes.values());
        List<Scene> test = splits.get(0);
        List<Scene> gallery = splits.get(splits.size() - 1);
        int maxCount = SurveyScenes.maxCount(rows.scenes());
        err.println("bench-survey: " + chosen.size() + " rows, " + test.size() + " held-out scenes per task (seed "
                + o.seed() + ", splits " + scenes.keySet() + ")");
        List<SurveyTable.Result> results = new ArrayList<>();
        List<DrawTasks.Prompt> prompts = null; // drawn when a row draws
        DrawTasks.Judged real = null; // the judges on the prompts' own pictures
        ExecutorService pool = Executors.newFixedThreadPool(o.parallel());
        long start = System.nanoTime();
        try {
            SurveyTasks tasks = new SurveyTasks(calls, pool, o.seed());
            List<Clip> held = null; // drawn when a row asks for them
            List<SegmentationTasks.MaskedScene> masked = null; // likewise
            for (SurveyRows.Row row : chosen) {
                Map<String, Cell> cells = new LinkedHashMap<>();
                for (String task : List.of("match", "caption", "vqa", "zero_shot", "retrieval")) {
                    String service = task.equals("retrieval") ? row.service("image") : row.service(task);
                    if (service == null) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    Cell cell;
                    try {
                        cell = switch (task) {
                            case "match" -> tasks.match(service, test, maxCount);
                            case "caption" -> tasks.caption(service, test);
                            case "vqa" -> vqa(tasks, service, o.n());
                            case "zero_shot" -> tasks.zeroShot(service, test);
                            default -> tasks.retrieval(service, row.service("text"), gallery);
                        };
                    } catch (RuntimeException e) {
                        // an answer the task cannot read: the row says so, the other rows still run
                        cell = new Cell(Map.of(), o.n(), o.n(), "answer not understood: " + e);
                    }
                    cells.put(task, cell);
                    progress(err, row, task, cell, t0);
                }
                for (String task : List.of("order", "clip_qa")) {
                    String service = row.service(task);
                    if (service == null) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    Cell cell;
                    if (clips == null) {
                        cell = new Cell(
                                Map.of(), o.n(), o.n(), "UNKNOWN_SERVICE: no shapes-clips dataset is installed");
                    } else {
                        if (held == null) {
                            held = SurveyScenes.clips(clips, rows.clips(), o.seed(), o.n());
                        }
                        try {
                            cell = task.equals("order") ? tasks.order(service, held) : tasks.clipQa(service, held);
                        } catch (RuntimeException e) {
                            cell = new Cell(Map.of(), o.n(), o.n(), "answer not understood: " + e);
                        }
                    }
                    cells.put(task, cell);
                    progress(err, row, task, cell, t0);
                }
                for (String task : List.of("segment", "everything", "segment_name")) {
                    String service = row.service(task);
                    if (service == null) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    Cell cell;
                    try {
                        if (masked == null) {
                            masked = SegmentationTasks.scenes(shapes, rows.scenes(), o.seed(), o.n());
                        }
                        cell = switch (task) {
                            case "segment" -> SegmentationTasks.segment(calls, pool, service, masked);
                            case "everything" -> SegmentationTasks.everything(calls, pool, service, masked);
                            default -> SegmentNameTask.measure(calls, pool, service, masked, test);
                        };
                    } catch (RuntimeException e) {
                        cell = new Cell(Map.of(), o.n(), o.n(), "answer not understood: " + e);
                    }
                    cells.put(task, cell);
                    progress(err, row, task, cell, t0);
                }
                String drawService = row.service("draw");
                if (drawService != null) {
                    long t0 = System.nanoTime();
                    DrawTasks.Judged judged;
                    try {
                        if (prompts == null) {
                            prompts = DrawTasks.prompts(shapes, rows.drawn(), o.seed(), o.n());
                            real = DrawTasks.real(calls, pool, DrawTasks.clip(rows.drawn()), prompts);
                        }
                        judged = DrawTasks.draw(
                                calls, pool, drawService, row.drawRequest(), DrawTasks.clip(rows.drawn()), prompts);
                    } catch (RuntimeException e) {
                        Cell none = new Cell(Map.of(), o.n(), o.n(), "answer not understood: " + e);
                        judged = new DrawTasks.Judged(none, none);
                    }
                    cells.put("draw", judged.shapeJudge());
                    cells.put("draw_clip", judged.clip());
                    progress(err, row, "draw", judged.shapeJudge(), t0);
                    progress(err, row, "draw_clip", judged.clip(), t0);
                }
                cells.replaceAll((task, cell) -> Unserved.explain(cell, row.models(), store));
                results.add(new SurveyTable.Result(row, cells, TrainingFacts.of(store, row.models())));
            }
        } finally {
            pool.shutdownNow();
        }
        String title = "# Survey benchmark\n\n" + "Generated by `bin/stoa bench-survey --n " + o.n() + " --seed "
                + o.seed() + "` on " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " ("
                + Runtime.getRuntime().availableProcessors() + " cores, "
                + String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - start) / 1e9)
                + "), from `" + home.relativize(file) + "`. Held-out scenes of the `shapes` dataset: "
                + describe(rows.scenes()) + ", the first " + test.size()
                + " of each split; VQA on the `vqa-eval-set` questions (the same seed). Parameters, steps and"
                + " time come from each model's training report (its newest version in the model store): the run's"
                + " wall time on the machine that trained it, under whatever load it had then.";
        out.print(SurveyTable.markdown(
                title,
                results,
                real == null
                        ? List.of()
                        : List.of(DrawnReport.note(real, DrawTasks.clip(rows.drawn()), o.n(), rows.drawn())),
                DrawnReport.section(results, real)));
        return OK;
    }

    private static Cell vqa(SurveyTasks tasks, String service, int n) throws InterruptedException {
        try {
            return tasks.vqa(service, n);
        } catch (StoaException e) {
            return new Cell(Map.of(), n, n, "vqa-eval-set " + e.code() + ": " + e.getMessage());
        }
    }

    private static void progress(PrintStream err, SurveyRows.Row row, String task, Cell cell, long t0) {
        err.printf(
                Locale.ROOT,
                "bench-survey: %-28s %-10s %s  (%d items, %.1f s)%n",
                row.name(),
                task,
                cell.empty() ? "no result: " + cell.failure() : SurveyTable.percent(first(cell)),
                cell.n(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static double first(Cell cell) {
        return cell.measures().values().stream().findFirst().orElse(Double.NaN);
    }

    private static String describe(Map<String, Object> scenes) {
        Map<String, Object> o = new LinkedHashMap<>(SurveyScenes.DEFAULTS);
        o.putAll(scenes);
        List<String> parts = new ArrayList<>();
        o.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }
}
