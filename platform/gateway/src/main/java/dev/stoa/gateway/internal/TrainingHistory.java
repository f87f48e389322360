package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /v1/trainings/{id}/metrics}: a training run's history, so that a chart can be drawn from its first step
 * and then follow the {@code training} events. The trainer writes every logged step and every evaluation to
 * {@code metrics.jsonl} in the run folder (and keeps a resumed run's lines up to its checkpoint), so the history is
 * read from there: complete, whenever the gateway started, and surviving a restart. Beyond {@code max} points it is
 * downsampled while it is read ({@link Downsampler}), so neither memory nor the answer grows with the run's length.
 */
final class TrainingHistory {

    static final int DEFAULT_MAX = 2000;
    static final int LARGEST_MAX = 10_000;

    private final Vertx vertx;
    private final Supplier<TrainingService> trainer;

    TrainingHistory(Vertx vertx, Supplier<TrainingService> trainer) {
        this.vertx = vertx;
        this.trainer = trainer;
    }

    void handle(RoutingContext rc) {
        TrainingService t = trainer.get();
        if (t == null) {
            HttpGateway.error(
                    rc,
                    FailureCode.UNAVAILABLE,
                    "no trainer is running; the dev.stoa.train bundle is not installed or not started (GET"
                            + " /v1/bundles says why)");
            return;
        }
        String id = rc.pathParam("id");
        long since = number(rc, "since", 0, Long.MAX_VALUE, -1);
        if (since == Long.MIN_VALUE) {
            return;
        }
        long max = number(rc, "max", 2, LARGEST_MAX, DEFAULT_MAX);
        if (max == Long.MIN_VALUE) {
            return;
        }
        TrainingStatus run = t.run(id).orElse(null);
        if (run == null) {
            HttpGateway.error(
                    rc, FailureCode.UNKNOWN_SERVICE, "no training run '" + id + "'; GET /v1/trainings lists them");
            return;
        }
        List<TrainingStatus> runs = t.runs();
        vertx.executeBlocking(() -> history(run, runs, since, (int) max), false).onComplete(ar -> {
            if (ar.succeeded()) {
                HttpGateway.json(rc, 200, ar.result());
            } else {
                HttpGateway.error(
                        rc,
                        FailureCode.INTERNAL,
                        "cannot read the metrics of run '" + id + "' in " + run.runDir() + ": " + ar.cause());
            }
        });
    }

    /** @return the parameter as a number in [min, max], its default when absent, MIN_VALUE after answering 400 */
    private static long number(RoutingContext rc, String name, long min, long max, long otherwise) {
        String text = rc.request().getParam(name);
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        HttpGateway.error(
                rc,
                FailureCode.BAD_INPUT,
                "'" + name + "': '" + text + "' is not a whole number from " + min + " to " + max
                        + ("since".equals(name)
                                ? "; give the last step the chart has, or leave it out for the whole run"
                                : "; give how many points to answer at most, or leave it out for " + DEFAULT_MAX));
        return Long.MIN_VALUE;
    }

    /**
     * @param run the run
     * @param runs every run, newest first: the run folder belongs to the newest run of its training file
     * @param since only steps after this one
     * @param max the most points to answer
     * @return the answer of {@code GET /v1/trainings/{id}/metrics}
     */
    static JsonObject history(TrainingStatus run, List<TrainingStatus> runs, long since, int max) throws IOException {
        JsonObject out = new JsonObject()
                .put("id", run.id())
                .put("state", run.state())
                .put("step", run.step())
                .put("steps", run.totalSteps());
        Downsampler points = new Downsampler(max);
        JsonArray evaluations = new JsonArray();
        TrainingStatus owner = runs.stream()
                .filter(r -> r.runDir() != null && r.runDir().equals(run.runDir()))
                .findFirst()
                .orElse(run);
        if (!owner.id().equals(run.id())) {
            out.put(
                    "message",
                    "the run folder " + run.runDir() + " now holds the metrics of the newer run " + owner.id()
                            + " of the same training file; this run's are gone");
        } else if (!neverLogged(run) && run.runDir() != null) {
            read(Path.of(run.runDir()).resolve("metrics.jsonl"), since, points, evaluations);
        }
        return out.put("total", points.seen())
                .put("stride", points.stride())
                .put("points", new JsonArray(points.result()))
                .put("evaluations", evaluations);
    }

    /** A queued run, or one that failed or was cancelled before it ran: the folder holds an earlier run's lines. */
    private static boolean neverLogged(TrainingStatus run) {
        return run.state().equals("queued")
                || run.finished() && run.step() == 0 && run.metrics().isEmpty();
    }

    private static void read(Path file, long since, Downsampler points, JsonArray evaluations) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonObject o;
                try {
                    o = new JsonObject(line);
                } catch (RuntimeException torn) {
                    continue; // the line being written, or one cut short by a kill
                }
                Object step = o.getValue("step");
                if (!(step instanceof Number n) || n.longValue() <= since) {
                    continue;
                }
                if (o.getValue("evaluation") instanceof JsonObject) {
                    evaluations.add(o);
                } else {
                    JsonObject metrics = new JsonObject();
                    JsonObject point = new JsonObject().put("step", n.longValue());
                    o.forEach(e -> {
                        switch (e.getKey()) {
                            case "step" -> {}
                            case "time", "elapsed_s" -> point.put(e.getKey(), e.getValue());
                            default -> metrics.put(e.getKey(), e.getValue());
                        }
                    });
                    points.add(point.put("metrics", metrics));
                }
            }
        } catch (NoSuchFileException e) {
            // not logged yet
        }
    }

    /**
     * Keeps at most {@code max} of a stream of points of unknown length, evenly spaced: every point
     * while there are few; when {@code max} are kept, every second of those kept and from then on every
     * {@code stride}-th that arrives, the stride doubling each time. The first and the last point are always kept.
     */
    static final class Downsampler {
        private final int max;
        private final List<JsonObject> kept = new ArrayList<>();
        private JsonObject last;
        private long seen;
        private long stride = 1;

        Downsampler(int max) {
            this.max = Math.max(2, max);
        }

        void add(JsonObject point) {
            if (seen++ % stride != 0) {
                last = point;
                return;
            }
            last = null;
            kept.add(point);
            if (kept.size() >= max) {
                List<JsonObject> half = new ArrayList<>(kept.size() / 2 + 1);
                for (int i = 0; i < kept.size(); i += 2) {
                    half.add(kept.get(i));
                }
                kept.clear();
                kept.addAll(half);
                stride *= 2;
                if (kept.get(kept.size() - 1) != point) {
                    last = point; // the newest point stays shown until the next one kept
                }
            }
        }

        /** @return the points kept, the last one seen included */
        List<JsonObject> result() {
            List<JsonObject> out = new ArrayList<>(kept);
            if (last != null) {
                out.add(last);
            }
            return out;
        }

        long seen() {
            return seen;
        }

        long stride() {
            return stride;
        }
    }
}
