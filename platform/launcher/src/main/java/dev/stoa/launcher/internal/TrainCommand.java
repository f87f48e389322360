package dev.stoa.launcher.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code stoa train FILE [--url U] [--detach]}: starts a training file on the running server (the trainer runs inside
 * it, so the trained model is served there as soon as it is published) and follows it with a progress bar until it
 * ends. Ctrl-C stops following, not training; {@code stoa train --status ID} or {@code GET /v1/trainings} shows it
 * later.
 */
public final class TrainCommand implements Command {

    private static final int BAR = 30;
    private static final long POLL_MS = 1000;

    private final Function<String, String> env;

    /** The command as {@code bin/stoa} runs it. */
    public TrainCommand() {
        this(System::getenv);
    }

    TrainCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a model on the running server and show its progress: train FILE.yaml [--detach] [--url U]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String file = null;
        String url = null;
        boolean detach = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--url") && i + 1 < args.size()) {
                url = args.get(++i);
            } else if (a.equals("--detach")) {
                detach = true;
            } else if (!a.startsWith("--") && file == null) {
                file = a;
            } else {
                err.println("stoa train: unexpected argument '" + a + "'");
                err.println("usage: stoa train FILE.yaml [--detach] [--url http://HOST:PORT]");
                return CommandLine.USAGE_ERROR;
            }
        }
        if (file == null) {
            err.println("stoa train: name a training file, e.g. stoa train etc/train/clip-shapes.yaml");
            return CommandLine.USAGE_ERROR;
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            err.println("stoa train: " + path + " is not a file; training files live in etc/train/");
            return CommandLine.USAGE_ERROR;
        }
        ServerClient server = new ServerClient(ServerClient.locate(url, env), env);
        JsonObject status;
        try {
            JsonObject body = new JsonObject();
            body.addProperty("file", path.toString());
            status = server.post("/v1/trainings", body).getAsJsonObject();
        } catch (ServerClient.ServerError e) {
            err.println("stoa train: " + e.getMessage());
            return 1;
        }
        String id = status.get("id").getAsString();
        out.println("training " + status.get("name").getAsString() + " as run " + id + " on " + server.base()
                + " (run folder " + status.get("run_dir").getAsString() + ")");
        if (detach) {
            return 0;
        }
        while (true) {
            try {
                JsonElement e = server.get("/v1/trainings/" + id);
                status = e.getAsJsonObject();
            } catch (ServerClient.ServerError e) {
                err.println();
                err.println("stoa train: " + e.getMessage());
                return 1;
            }
            String state = status.get("state").getAsString();
            err.print("\r" + progressLine(status));
            err.flush();
            if (state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")) {
                err.println();
                out.println(state + ": " + status.get("message").getAsString());
                JsonObject evaluation = status.getAsJsonObject("evaluation");
                evaluation
                        .entrySet()
                        .forEach(m -> out.printf(
                                Locale.ROOT,
                                "  %-28s %.4f%n",
                                m.getKey(),
                                m.getValue().getAsDouble()));
                return state.equals("succeeded") ? 0 : 1;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * @param s a run's status, as {@code GET /v1/trainings/{id}} answers it
     * @return one line: bar, percentage, step, loss, learning rate, throughput and time left; while queued, what the
     *     run waits for
     */
    static String progressLine(JsonObject s) {
        if ("queued".equals(s.get("state").getAsString())
                && s.has("message")
                && !s.get("message").isJsonNull()) {
            // what it waits for: the trainer's current run, or a run that outputs a model it needs
            return "queued: " + s.get("message").getAsString() + "   ";
        }
        double progress = s.get("progress").getAsDouble();
        int filled = (int) Math.round(progress * BAR);
        StringBuilder line = new StringBuilder("[")
                .append("#".repeat(filled))
                .append(".".repeat(BAR - filled))
                .append(String.format(
                        Locale.ROOT,
                        "] %3.0f%% step %d/%d",
                        progress * 100,
                        s.get("step").getAsLong(),
                        s.get("steps").getAsLong()));
        JsonObject metrics = s.getAsJsonObject("metrics");
        if (metrics.has("loss") && !metrics.get("loss").isJsonNull()) {
            line.append(
                    String.format(Locale.ROOT, " loss %.4f", metrics.get("loss").getAsDouble()));
        }
        if (metrics.has("lr") && !metrics.get("lr").isJsonNull()) {
            line.append(String.format(Locale.ROOT, " lr %.2e", metrics.get("lr").getAsDouble()));
        }
        double rate = s.get("samples_per_s").getAsDouble();
        if (rate > 0) {
            line.append(String.format(Locale.ROOT, " %.0f samples/s", rate));
        }
        long eta = s.get("eta_s").getAsLong();
        if (eta >= 0) {
            line.append(String.format(Locale.ROOT, " ETA %dm%02ds", eta / 60, eta % 60));
        }
        return line.append(' ')
                .append(s.get("state").getAsString())
                .append("   ")
                .toString();
    }
}
