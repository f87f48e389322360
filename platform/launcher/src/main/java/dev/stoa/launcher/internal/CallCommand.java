package dev.stoa.launcher.internal;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code stoa call NAME [--text T] [--image F] [--field K=V]... [--json J] [--save F] [--progress] [--url U]}:
 * calls a pipeline or a service of a running server and prints its answer, then, for a pipeline, each stage's outcome
 * and time (from the {@code _trace} the pipeline answers with). With {@code --save}, the PNGs of the answer (drawn
 * images, masks) are written to files and the answer shows the files' names in their place ({@link SavedImages}).
 * With {@code --progress}, a service's call is streamed ({@code ?stream=true}) and its pieces shown as they come on
 * standard error: a progress bar for a sampler's {@code {"step", "steps"}} pieces, a generator's text as it grows.
 *
 * <p>The call is the JSON a curl user would send, the image as base64 in {@code "image"} (the JSON form of an
 * {@code Image}): one request shape for services and pipelines, readable in logs, and no multipart encoder here. The
 * gateway's multipart form (for audio files, or browsers) reaches the same JSON.
 */
public final class CallCommand implements Command {

    private final Function<String, String> env;

    /** The command as {@code bin/stoa} runs it, reading {@code STOA_URL} and {@code STOA_HTTP_PORT}. */
    public CallCommand() {
        this(System::getenv);
    }

    CallCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "call";
    }

    @Override
    public String summary() {
        return "call a pipeline or service of a running server: call NAME [--text T] [--image FILE] [--field K=V]..."
                + " [--json J] [--save OUT.png] [--progress] [--url U]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Request request;
        JsonObject body;
        try {
            request = Request.parse(args);
            body = request.body();
        } catch (IllegalArgumentException e) {
            err.println("stoa call: " + e.getMessage());
            err.println("usage: stoa call NAME [--text T] [--image FILE] [--field KEY=VALUE]... [--json '{...}']"
                    + " [--save OUT.png] [--progress] [--url http://HOST:PORT]");
            return CommandLine.USAGE_ERROR;
        }
        ServerClient server = new ServerClient(ServerClient.locate(request.url(), env), env);
        try {
            boolean pipeline = isPipeline(server, request.name());
            if (pipeline) {
                body.addProperty("_trace", true);
            }
            long start = System.nanoTime();
            JsonElement answer;
            if (request.progress() && !pipeline) {
                answer = server.postEvents(
                        "/v1/services/" + request.name() + "?stream=true",
                        body,
                        (event, piece) -> err.print(progressText(piece)));
                err.println();
            } else {
                answer = server.post((pipeline ? "/v1/pipelines/" : "/v1/services/") + request.name(), body);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            List<Path> saved;
            try {
                saved = request.save() == null ? List.of() : SavedImages.save(answer, request.save());
            } catch (IOException e) {
                err.println("stoa call " + request.name() + ": --save " + request.save() + ": cannot write: " + e);
                return 1;
            }
            print(answer, ms, out);
            if (request.save() != null && saved.isEmpty()) {
                err.println("stoa call " + request.name() + ": --save " + request.save()
                        + ": the answer holds no PNG image; nothing was written");
                return 1;
            }
            return 0;
        } catch (ServerClient.ServerError e) {
            err.println("stoa call " + request.name() + ": " + e.getMessage());
            return 1;
        }
    }

    private static boolean isPipeline(ServerClient server, String name) throws Exception {
        for (JsonElement p : server.get("/v1/pipelines").getAsJsonArray()) {
            if (name.equals(p.getAsJsonObject().get("name").getAsString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param piece a streamed piece: {@code {"step": k, "steps": n, ...}} (a sampler's progress), or
     *     {@code {"index": i, "text": t}} (a generator's text, or progress sent as text)
     * @return what to print for it: a progress bar that overwrites itself, or the text as it comes
     */
    static String progressText(JsonObject piece) {
        JsonObject p = piece;
        if (!p.has("steps") && p.has("text") && p.get("text").isJsonPrimitive()) {
            String text = p.get("text").getAsString();
            try {
                JsonElement parsed = JsonParser.parseString(text);
                if (parsed.isJsonObject() && parsed.getAsJsonObject().has("steps")) {
                    p = parsed.getAsJsonObject();
                } else {
                    return text;
                }
            } catch (JsonParseException notJson) {
                return text;
            }
        }
        if (!p.has("step") || !p.has("steps")) {
            return "";
        }
        long step = p.get("step").getAsLong();
        long steps = Math.max(1, p.get("steps").getAsLong());
        int filled = (int) Math.min(BAR, Math.max(0, Math.round((double) step / steps * BAR)));
        return String.format(
                java.util.Locale.ROOT,
                "\r[%s%s] %3.0f%% step %d/%d",
                "#".repeat(filled),
                ".".repeat(BAR - filled),
                100.0 * step / steps,
                step,
                steps);
    }

    /** Width of the progress bar, characters. */
    private static final int BAR = 30;

    static void print(JsonElement answer, long totalMs, PrintStream out) {
        JsonObject trace = null;
        if (answer.isJsonObject() && answer.getAsJsonObject().has("_trace")) {
            trace = answer.getAsJsonObject().remove("_trace").getAsJsonObject();
        }
        out.println(new GsonBuilder()
                .setPrettyPrinting()
                .disableHtmlEscaping()
                .create()
                .toJson(answer));
        if (trace != null) {
            out.println();
            out.printf("%-24s %-8s %10s%n", "stage", "outcome", "ms");
            for (JsonElement s : trace.getAsJsonArray("stages")) {
                JsonObject o = s.getAsJsonObject();
                out.printf(
                        "%-24s %-8s %10.1f%n",
                        o.get("stage").getAsString(),
                        o.get("outcome").getAsString(),
                        o.get("ms").getAsDouble());
            }
            out.printf(
                    "%-24s %-8s %10d   (trace %s)%n",
                    "total (client)", "", totalMs, trace.get("id").getAsString());
        }
    }

    /** The parsed command line. */
    record Request(
            String name,
            String text,
            Path image,
            Map<String, String> fields,
            JsonObject json,
            Path save,
            boolean progress,
            String url) {

        static Request parse(List<String> args) {
            String name = null;
            String text = null;
            Path image = null;
            JsonObject json = null;
            String url = null;
            Path save = null;
            boolean progress = false;
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (!a.startsWith("--")) {
                    if (name != null) {
                        throw new IllegalArgumentException("one NAME only, got '" + name + "' and '" + a + "'");
                    }
                    name = a;
                    continue;
                }
                if (a.equals("--progress")) {
                    progress = true;
                    continue;
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String value = args.get(++i);
                switch (a) {
                    case "--text" -> text = value;
                    case "--image" -> image = Path.of(value);
                    case "--url" -> url = value;
                    case "--save" -> {
                        save = Path.of(value);
                        Path dir = save.toAbsolutePath().getParent();
                        if (dir != null && !Files.isDirectory(dir)) {
                            throw new IllegalArgumentException("--save " + value + ": the folder " + dir
                                    + " does not exist; create it or name a file in an existing folder");
                        }
                    }
                    case "--field" -> {
                        int eq = value.indexOf('=');
                        if (eq < 1) {
                            throw new IllegalArgumentException("--field " + value + ": write it as KEY=VALUE, e.g."
                                    + " --field question='what colour is it?'");
                        }
                        if (fields.put(value.substring(0, eq), value.substring(eq + 1)) != null) {
                            throw new IllegalArgumentException("--field " + value.substring(0, eq) + " is given twice");
                        }
                    }
                    case "--json" -> {
                        try {
                            json = JsonParser.parseString(value).getAsJsonObject();
                        } catch (JsonParseException | IllegalStateException e) {
                            throw new IllegalArgumentException("--json is not a JSON object: " + value);
                        }
                    }
                    default ->
                        throw new IllegalArgumentException("unknown option " + a
                                + "; the options are --text, --image, --field, --json, --save, --progress and --url");
                }
            }
            if (name == null) {
                throw new IllegalArgumentException(
                        "name the pipeline or service to call (GET /v1/pipelines and" + " /v1/services list them)");
            }
            return new Request(name, text, image, fields, json, save, progress, url);
        }

        /**
         * @return the JSON body: --json's fields, then each --field (a string), then {@code text} and {@code image}
         *         (base64 of the file)
         */
        JsonObject body() throws IOException {
            JsonObject body = json == null ? new JsonObject() : json.deepCopy();
            fields.forEach(body::addProperty);
            if (text != null) {
                body.addProperty("text", text);
            }
            if (image != null) {
                try {
                    body.addProperty("image", Base64.getEncoder().encodeToString(Files.readAllBytes(image)));
                } catch (NoSuchFileException e) {
                    throw new IllegalArgumentException("--image " + image + ": no such file");
                }
            }
            return body;
        }
    }

    /** For tests: the body the command would send. */
    static Map<String, JsonElement> bodyOf(List<String> args) throws IOException {
        return Request.parse(args).body().asMap();
    }
}
