package dev.stoa.train.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run of a {@link TrainingFile}: composes the model, loss and dataset it names, resumes from the run
 * folder's checkpoint if there is one, optimises, logs, checkpoints, evaluates, and finally publishes the model to
 * the model store. Runs on the caller's thread; {@link #cancel()} stops it after the current step with a checkpoint.
 *
 * <p>The run folder {@code <runs>/<name>/} holds {@code checkpoint.bin}, {@code metrics.jsonl} (one JSON object per
 * logged step and per evaluation), and at the end {@code report.json}, {@code report.md} and {@code loss.png}.
 */
final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    static final String ENGINE = "PyTorch";
    /**
     * Held from seeding PyTorch's (process-wide) generator to the end of initialisation, so that runs started side by
     * side each draw their initial parameters from their own seed alone.
     */
    private static final ReentrantLock SEEDING = new ReentrantLock();

    /** Finds the factories a training file names; null when no bundle provides one. */
    interface Components {
        TrainableModelFactory model(String id);

        LossFactory loss(String id);

        DatasetFactory dataset(String id);
    }

    private final String id;
    private final TrainingFile file;
    private final Components components;
    private final ModelStore store;
    private final Path runDir;
    private final Consumer<TrainingStatus> listener;
    private volatile boolean cancelled;
    private volatile TrainingStatus status;
    /** The intra-op threads this run may use now (0: leave PyTorch's setting); asked before each step. */
    private volatile IntSupplier threads = () -> 0;

    /**
     * @param id the run id
     * @param file the validated training file
     * @param components where the model, loss and dataset come from
     * @param store where the result is published
     * @param runs the folder of run folders, e.g. {@code data/train}
     * @param listener told each status change (logged steps, evaluations, the end), on the run's thread
     */
    TrainingRun(
            String id,
            TrainingFile file,
            Components components,
            ModelStore store,
            Path runs,
            Consumer<TrainingStatus> listener) {
        this.id = id;
        this.file = file;
        this.components = components;
        this.store = store;
        this.runDir = runs.resolve(file.name());
        this.listener = listener;
        this.status = status(
                "queued",
                0,
                0,
                -1,
                Map.of(),
                Map.of(),
                "waiting for the trainer",
                file.output() == null ? "" : file.output());
    }

    TrainingStatus status() {
        return status;
    }

    TrainingFile file() {
        return file;
    }

    void cancel() {
        cancelled = true;
    }

    /**
     * @param threads says, before each step, how many intra-op threads this run may use now (its share of the
     *     trainer's {@link ThreadBudget}); 0 leaves PyTorch's setting as it is
     */
    void threads(IntSupplier threads) {
        this.threads = threads;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** While queued: says in the status's message what the run waits for (a model another run produces). */
    void waiting(String message) {
        if (!message.equals(status.message())) {
            update(status("queued", 0, 0, -1, Map.of(), Map.of(), message, status.modelId()));
        }
    }

    /** Marks a run that never started (its components were missing, or it was cancelled while queued). */
    void fail(String state, String message) {
        update(status(state, status.step(), 0, -1, status.metrics(), status.evaluation(), message, status.modelId()));
    }

    /**
     * Runs to the end, to cancellation, or to the first error.
     *
     * @return the final status
     */
    TrainingStatus run() {
        try {
            return train();
        } catch (Exception | OutOfMemoryError e) {
            LOG.error("training {} failed: {}", file.name(), e.toString(), e);
            fail("failed", e.getMessage() == null ? e.toString() : e.getMessage());
            return status;
        }
    }

    private TrainingStatus train() throws Exception {
        TrainableModelFactory modelFactory =
                require(components.model(file.modelId()), "model.id", file.modelId(), "model");
        LossFactory lossFactory = require(components.loss(file.lossId()), "loss.id", file.lossId(), "loss");
        DatasetFactory datasetFactory =
                require(components.dataset(file.datasetId()), "dataset.id", file.datasetId(), "dataset");
        Files.createDirectories(runDir);
        TrainingFile.Settings s = file.train();
        Engine engine = Engine.getEngine(ENGINE);
        // PyTorch's grad mode is per thread and on by default: off on this thread, so the optimizer's in-place
        // updates of the parameters are not recorded; StepGradients turns it on for each step only
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        applyThreads();
        SEEDING.lock();
        boolean seeding = true;
        try (Dataset dataset = datasetFactory.open(file.datasetOptions());
                TrainableModel model = modelFactory.create(file.modelOptions());
                NDManager manager = engine.newBaseManager()) {
            String modelId = file.output() == null ? model.modelId() : file.output();
            Dataset.Split split = dataset.split("train");
            Prefetcher data = new Prefetcher(split, new DataOrder(s.seed(), split.size()), s.batchSize());
            try {
                engine.setRandomSeed((int) s.seed());
                model.initialize(manager);
                TrainingLoss loss = lossFactory.create(file.lossOptions());
                initializeLoss(model, loss, manager, data.peek());
                SEEDING.unlock();
                seeding = false;
                List<AdamW.Named> parameters = new ArrayList<>();
                collect(model.block(), "model.", parameters);
                collect(loss, "loss.", parameters);
                AdamW optimizer = new AdamW(parameters, manager, s);
                long start = 0;
                String fingerprint = fingerprint();
                var resumed = Checkpoint.restore(runDir, fingerprint, manager, model.block(), loss, optimizer);
                if (resumed.isPresent()) {
                    // loading replaces the parameters' arrays; the new ones must record gradients again
                    parameters.forEach(p -> p.parameter().getArray().setRequiresGradient(true));
                    start = resumed.get().step();
                    data.seek(resumed.get().position());
                    LOG.info("{}: resuming from the checkpoint at step {} of {}", file.name(), start, s.steps());
                } else {
                    data.seek(0);
                }
                MetricsLog metrics = new MetricsLog(runDir.resolve("metrics.jsonl"), start);
                update(status(
                        "running",
                        start,
                        0,
                        -1,
                        Map.of(),
                        Map.of(),
                        resumed.isPresent() ? "resumed at step " + start : "started",
                        modelId));
                LOG.info(
                        "{}: training {} ({}) on {} with loss {}, {} steps of {}, {} parameters",
                        file.name(),
                        modelId,
                        model.describe(),
                        file.datasetId(),
                        file.lossId(),
                        s.steps(),
                        s.batchSize(),
                        parameters.size());
                return loop(model, loss, dataset, data, optimizer, metrics, manager, start, modelId, fingerprint);
            } finally {
                data.close();
            }
        } finally {
            if (seeding) {
                SEEDING.unlock();
            }
        }
    }

    /** The intra-op threads this thread last set for PyTorch; 0 before the first. */
    private int threadsSet;

    /** Sets this thread's PyTorch intra-op threads to this run's share, if it changed; @return the threads now set */
    private int applyThreads() {
        int want = threads.getAsInt();
        if (want > 0 && want != threadsSet) {
            // per calling thread with PyTorch's OpenMP backend: other runs' threads keep their own setting
            ai.djl.pytorch.jni.JniUtils.setNumThreads(want);
            if (threadsSet > 0) {
                LOG.info("{}: now {} intra-op thread(s) (was {})", file.name(), want, threadsSet);
            }
            threadsSet = want;
        }
        return threadsSet > 0 ? threadsSet : ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    private TrainingStatus loop(
            TrainableModel model,
            TrainingLoss loss,
            Dataset dataset,
            Prefetcher data,
            AdamW optimizer,
            MetricsLog metrics,
            NDManager manager,
            long start,
            String modelId,
            String fingerprint)
            throws Exception {
        TrainingFile.Settings s = file.train();
        Schedule schedule = new Schedule(s.lr(), s.warmupSteps(), s.steps(), s.minLr());
        Map<String, Double> evaluation = new LinkedHashMap<>();
        long intervalStart = System.nanoTime();
        long intervalSamples = 0;
        long runStart = System.nanoTime();
        long cpuStart = processCpuNanos();
        long threadCpuStart = threadCpuNanos();
        long evaluationNanos = 0;
        long step = start;
        boolean stoppedEarly = false;
        while (step < s.steps() && !cancelled) {
            int threadsNow = applyThreads();
            Prefetcher.Batch batch = data.next();
            double lr = schedule.lr(step);
            Map<String, Double> values = new LinkedHashMap<>();
            // gradients that are not finite are recomputed once from the same batch and inputs: a kernel may
            // return NaN at random (AdamW's Javadoc); twice non-finite, the step is skipped
            double norm = gradientStep(model, loss, optimizer, manager, batch, s.seed(), step, lr, values, true);
            if (!Double.isFinite(norm)) {
                logNonFinite(step, values.get("loss"), optimizer);
                values.clear();
                norm = gradientStep(model, loss, optimizer, manager, batch, s.seed(), step, lr, values, false);
            }
            step++;
            data.advance(batch);
            intervalSamples += batch.examples().size();
            if (step % s.logEvery() == 0 || step == s.steps()) {
                double seconds = (System.nanoTime() - intervalStart) / 1e9;
                double rate = intervalSamples / Math.max(seconds, 1e-9);
                values.put("lr", lr);
                values.put("grad_norm", norm);
                logitScale(loss).ifPresent(v -> values.put("logit_scale", v));
                values.put("samples_per_s", rate);
                values.put("skipped_steps", (double) optimizer.skipped());
                values.put("retried_steps", (double) optimizer.retried());
                values.put("skipped_examples", (double) data.split().skipped());
                values.put("threads", (double) threadsNow);
                values.put("thread_cpu_s", (threadCpuNanos() - threadCpuStart) / 1e9);
                metrics.step(step, values, (System.nanoTime() - runStart) / 1e9);
                long eta = (long) ((s.steps() - step) * (double) s.batchSize() / Math.max(rate, 1e-9));
                update(status("running", step, rate, eta, values, evaluation, "training", modelId));
                intervalStart = System.nanoTime();
                intervalSamples = 0;
            }
            if (step % s.checkpointEvery() == 0) {
                Checkpoint.write(runDir, fingerprint, model.block(), loss, optimizer, step, data.position());
            }
            if (step % file.evaluateEvery() == 0 && step < s.steps()) {
                long t0 = System.nanoTime();
                evaluation = evaluate(model, dataset, manager, metrics, step, modelId);
                evaluationNanos += System.nanoTime() - t0;
                if (reachedTarget(evaluation)) {
                    LOG.info(
                            "{}: {} reached {} at step {}: stopping early",
                            file.name(),
                            file.stopMetric(),
                            file.stopAtLeast(),
                            step);
                    stoppedEarly = true;
                    break;
                }
            }
        }
        if (cancelled) {
            Checkpoint.write(runDir, fingerprint, model.block(), loss, optimizer, step, data.position());
            update(status(
                    "cancelled",
                    step,
                    0,
                    -1,
                    status.metrics(),
                    evaluation,
                    "cancelled at step " + step + "; start the same file again to resume from there",
                    modelId));
            return status;
        }
        if (!stoppedEarly) {
            long t0 = System.nanoTime();
            evaluation = evaluate(model, dataset, manager, metrics, step, modelId);
            evaluationNanos += System.nanoTime() - t0;
        }
        Checkpoint.write(runDir, fingerprint, model.block(), loss, optimizer, step, data.position());
        double seconds = (System.nanoTime() - runStart) / 1e9;
        Path staging = store.newStaging(modelId);
        model.save(staging, loss, dataset);
        JsonObject report = report(model, dataset, step, seconds, evaluation, optimizer)
                .put("evaluation_seconds", evaluationNanos / 1e9)
                .put("process_cpu_seconds", (processCpuNanos() - cpuStart) / 1e9)
                .put("thread_cpu_seconds", (threadCpuNanos() - threadCpuStart) / 1e9)
                .put("threads", threadsSet > 0 ? threadsSet : ai.djl.pytorch.jni.JniUtils.getNumThreads());
        Files.writeString(staging.resolve("train-report.json"), report.encodePrettily());
        ModelStore.Version version = store.publish(modelId, staging);
        report.put("published", version.path().toString());
        writeReports(report, metrics);
        String message = "published " + modelId + " version " + version.number() + " after " + step + " steps in "
                + Math.round(seconds) + " s; " + evaluation;
        LOG.info("{}: {}", file.name(), message);
        update(status("succeeded", step, 0, 0, status.metrics(), evaluation, message, modelId));
        return status;
    }

    /**
     * What a checkpoint must match to be resumed: the file's model, loss, data, seed and batch, and the version of
     * each model it {@code needs:} as the store has it now. A run that read a frozen encoder or tokenizer which has
     * since been retrained starts over rather than resume parameters that fit the old one (DALL-E's transformer on a
     * new dVAE's tokens, unCLIP on a new CLIP's embeddings).
     */
    private String fingerprint() {
        StringBuilder out = new StringBuilder(file.fingerprint());
        for (TrainingFile.Need need : file.needs()) {
            out.append(" needs=")
                    .append(need.modelId())
                    .append('@')
                    .append(store.latest(need.modelId())
                            .map(v -> Integer.toString(v.number()))
                            .orElse("none"));
        }
        return out.toString();
    }

    /**
     * Says which gradients were not finite, for the first five such steps of a run and then every hundredth: whether the
     * loss was finite tells a kernel's NaN (finite loss) from a model that diverged.
     */
    private void logNonFinite(long step, Double lossValue, AdamW optimizer) {
        long count = optimizer.retried() + optimizer.skipped();
        if (count <= 5 || count % 100 == 0) {
            LOG.warn(
                    "{}: step {}: non-finite gradients (loss {}) in {}; recomputing the step ({} such steps so far)",
                    file.name(),
                    step,
                    lossValue,
                    optimizer.lastNonFinite(),
                    count);
        }
    }

    /**
     * One forward and backward pass over the batch, then the optimizer's update.
     *
     * @param values where the loss and its parts go
     * @param mayRetry whether the caller recomputes the step when its gradients are not finite
     * @return the global gradient norm; not finite when no update was made
     */
    private static double gradientStep(
            TrainableModel model,
            TrainingLoss loss,
            AdamW optimizer,
            NDManager manager,
            Prefetcher.Batch batch,
            long seed,
            long step,
            double lr,
            Map<String, Double> values,
            boolean mayRetry) {
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            LossTerms terms;
            try (StepGradients collector = new StepGradients()) {
                NDList inputs = model.inputs(scope, batch.examples(), new SplittableRandom(DataOrder.mix(seed, step)));
                NDList outputs = model.block().forward(ps, inputs, true);
                terms = loss.evaluate(ps, model.lossInputs(outputs, batch.examples(), scope), true);
                collector.backward(terms.total());
            }
            values.put("loss", (double) terms.total().getFloat());
            for (Map.Entry<String, NDArray> part : terms.parts().entrySet()) {
                values.put(part.getKey(), (double) part.getValue().getFloat());
            }
            return optimizer.step(lr, mayRetry);
        }
    }

    private Map<String, Double> evaluate(
            TrainableModel model, Dataset dataset, NDManager manager, MetricsLog metrics, long step, String modelId)
            throws IOException {
        update(status(
                "evaluating",
                step,
                status.samplesPerSecond(),
                status.etaSeconds(),
                status.metrics(),
                status.evaluation(),
                "evaluating",
                modelId));
        long t0 = System.nanoTime();
        Map<String, Double> result;
        try (NDManager scope = manager.newSubManager()) {
            result = new LinkedHashMap<>(
                    model.evaluate(dataset, file.evaluateOptions(), new ParameterStore(scope, false)));
        }
        metrics.evaluation(step, result, (System.nanoTime() - t0) / 1e9);
        LOG.info("{}: step {}: {}", file.name(), step, result);
        update(status(
                "running",
                step,
                status.samplesPerSecond(),
                status.etaSeconds(),
                status.metrics(),
                result,
                "evaluated at step " + step,
                modelId));
        return result;
    }

    private boolean reachedTarget(Map<String, Double> evaluation) {
        if (file.stopMetric() == null) {
            return false;
        }
        Double value = evaluation.get(file.stopMetric());
        if (value == null) {
            LOG.warn(
                    "{}: evaluate.stop_when.metric '{}' is not among the evaluation's metrics {}; it never stops"
                            + " early",
                    file.name(),
                    file.stopMetric(),
                    evaluation.keySet());
            return false;
        }
        return value >= file.stopAtLeast();
    }

    private JsonObject report(
            TrainableModel model,
            Dataset dataset,
            long step,
            double seconds,
            Map<String, Double> evaluation,
            AdamW optimizer) {
        JsonObject model1 = new JsonObject();
        model.describe().forEach((k, v) -> model1.put(k, String.valueOf(v)));
        JsonObject data = new JsonObject();
        dataset.describe().forEach((k, v) -> data.put(k, String.valueOf(v)));
        JsonObject eval = new JsonObject();
        evaluation.forEach(eval::put);
        return new JsonObject()
                .put("run", id)
                .put("name", file.name())
                .put("file", file.file().toString())
                .put("finished", Instant.now().toString())
                .put("steps", step)
                .put("seconds", seconds)
                .put("skipped_steps", optimizer.skipped())
                .put("retried_steps", optimizer.retried())
                .put("model", model1)
                .put("dataset", data)
                .put("loss", file.lossId())
                .put("evaluation", eval)
                .put(
                        "machine",
                        Runtime.getRuntime().availableProcessors() + " cores, Java "
                                + System.getProperty("java.version"));
    }

    private void writeReports(JsonObject report, MetricsLog metrics) throws IOException {
        Files.writeString(runDir.resolve("report.json"), report.encodePrettily());
        StringBuilder md = new StringBuilder("# Training run ")
                .append(report.getString("name"))
                .append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| file | ").append(report.getString("file")).append(" |\n");
        md.append("| finished | ").append(report.getString("finished")).append(" |\n");
        md.append("| steps | ").append(report.getLong("steps")).append(" |\n");
        md.append(String.format("| time | %.0f s |%n", report.getDouble("seconds")));
        md.append(String.format(
                "| evaluation | %.0f s of it |%n| process CPU | %.0f s (every run and service of the process) |%n"
                        + "| run thread CPU | %.0f s |%n| intra-op threads | %d (at the end) |%n",
                report.getDouble("evaluation_seconds", 0.0),
                report.getDouble("process_cpu_seconds", 0.0),
                report.getDouble("thread_cpu_seconds", 0.0),
                report.getInteger("threads", 0)));
        md.append("| machine | ").append(report.getString("machine")).append(" |\n");
        md.append("| published | ").append(report.getString("published")).append(" |\n\n");
        // one row per metric, one column per split: seen, held-out combinations, held-out renderer side by side
        Map<String, Double> evaluation = new LinkedHashMap<>();
        report.getJsonObject("evaluation")
                .forEach(e -> evaluation.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
        md.append(MetricsTable.markdown(evaluation));
        md.append("\n![loss](loss.png)\n");
        Files.writeString(runDir.resolve("report.md"), md.toString());
        String evalName = file.stopMetric() != null
                ? file.stopMetric()
                : metrics.evaluations().isEmpty() ? "" : metrics.firstEvaluationKey();
        LossCurve.write(
                runDir.resolve("loss.png"),
                file.name() + ": loss per step",
                metrics.steps(),
                metrics.losses(),
                metrics.evaluationSteps(),
                metrics.evaluationValues(evalName),
                evalName);
    }

    /**
     * @return the CPU time of the whole process so far (every run and service in it, so with runs side by side it
     *     is their sum), or 0 where the JVM does not say
     */
    private static long processCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }

    /**
     * @return the CPU time of this run's thread so far: with one intra-op thread all of its forward, backward and
     *     evaluation work (PyTorch runs a one-thread parallel region on the caller), without the data thread's
     *     rendering; with more, the other OpenMP threads' share is not in it
     */
    private static long threadCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? Math.max(0, mx.getCurrentThreadCpuTime()) : 0;
    }

    private static java.util.Optional<Double> logitScale(TrainingLoss loss) {
        for (Pair<String, Parameter> p : loss.getParameters()) {
            if (p.getKey().endsWith("logit_scale") && p.getValue().isInitialized()) {
                return java.util.Optional.of(
                        Math.min(100.0, Math.exp(p.getValue().getArray().getFloat())));
            }
        }
        return java.util.Optional.empty();
    }

    private void initializeLoss(TrainableModel model, TrainingLoss loss, NDManager manager, List<Example> first) {
        // the loss's input shapes come from one forward pass of the first batch, without gradients
        try (NDManager scope = manager.newSubManager()) {
            NDList inputs = model.inputs(scope, first, new SplittableRandom(0));
            NDList outputs = model.block().forward(new ParameterStore(scope, false), inputs, false);
            NDList lossInputs = model.lossInputs(outputs, first, scope);
            Shape[] shapes = lossInputs.stream().map(NDArray::getShape).toArray(Shape[]::new);
            loss.initialize(manager, DataType.FLOAT32, shapes);
        }
    }

    private static void collect(Block block, String prefix, List<AdamW.Named> out) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(new AdamW.Named(prefix + p.getKey(), p.getValue()));
            }
        }
    }

    private <T> T require(T component, String field, String id, String kind) {
        if (component == null) {
            throw new dev.stoa.api.StoaException(
                    dev.stoa.api.FailureCode.BAD_CONFIG,
                    file.file() + ": " + field
                            + " is '" + id + "', which no bundle provides (stoa.kind=" + kind + "); install it or name"
                            + " another (GET /v1/services lists what is there)");
        }
        return component;
    }

    private TrainingStatus status(
            String state,
            long step,
            double rate,
            long eta,
            Map<String, Double> metrics,
            Map<String, Double> evaluation,
            String message,
            String modelId) {
        return new TrainingStatus(
                id,
                file.name(),
                file.file().toString(),
                modelId,
                state,
                step,
                file.train().steps(),
                rate,
                eta,
                metrics,
                evaluation,
                runDir.toString(),
                message);
    }

    private void update(TrainingStatus next) {
        status = next;
        try {
            listener.accept(next);
        } catch (RuntimeException e) {
            LOG.warn("a training progress listener failed: {}", e.toString());
        }
    }

    /** {@code metrics.jsonl}: one line per logged step and per evaluation, kept in memory too for the charts. */
    static final class MetricsLog {
        private final Path file;
        private final List<Long> steps = new ArrayList<>();
        private final List<Double> losses = new ArrayList<>();
        private final List<Long> evalSteps = new ArrayList<>();
        private final List<Map<String, Double>> evaluations = new ArrayList<>();

        /**
         * Opens the log, keeping only lines up to {@code from} (a resumed run rewrites what came after its
         * checkpoint).
         */
        MetricsLog(Path file, long from) throws IOException {
            this.file = file;
            List<String> kept = new ArrayList<>();
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        JsonObject o = new JsonObject(line);
                        if (o.getLong("step", Long.MAX_VALUE) <= from) {
                            kept.add(line);
                            remember(o);
                        }
                    } catch (RuntimeException torn) {
                        // a line cut short by a kill: dropped
                    }
                }
            }
            Files.write(file, kept, StandardCharsets.UTF_8);
        }

        private void remember(JsonObject o) {
            if (o.containsKey("evaluation")) {
                evalSteps.add(o.getLong("step"));
                Map<String, Double> m = new LinkedHashMap<>();
                o.getJsonObject("evaluation").forEach(e -> m.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
                evaluations.add(m);
            } else if (o.containsKey("loss")) {
                steps.add(o.getLong("step"));
                Double loss = o.getDouble("loss");
                losses.add(loss == null ? Double.NaN : loss);
            }
        }

        void step(long step, Map<String, Double> values, double elapsed) throws IOException {
            JsonObject o = new JsonObject()
                    .put("step", step)
                    .put("time", Instant.now().toString())
                    .put("elapsed_s", elapsed);
            values.forEach((k, v) -> o.put(k, Double.isFinite(v) ? v : null));
            append(o);
        }

        void evaluation(long step, Map<String, Double> values, double seconds) throws IOException {
            JsonObject e = new JsonObject();
            values.forEach(e::put);
            append(new JsonObject()
                    .put("step", step)
                    .put("time", Instant.now().toString())
                    .put("evaluation_s", seconds)
                    .put("evaluation", e));
        }

        private void append(JsonObject o) throws IOException {
            try (BufferedWriter w = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.CREATE)) {
                w.write(o.encode());
                w.write('\n');
            }
            remember(o);
        }

        List<Long> steps() {
            return steps;
        }

        List<Double> losses() {
            return losses;
        }

        List<Long> evaluationSteps() {
            return evalSteps;
        }

        List<Map<String, Double>> evaluations() {
            return evaluations;
        }

        String firstEvaluationKey() {
            return evaluations.get(evaluations.size() - 1).keySet().iterator().next();
        }

        List<Double> evaluationValues(String key) {
            return evaluations.stream()
                    .map(m -> m.getOrDefault(key, Double.NaN))
                    .toList();
        }
    }
}
