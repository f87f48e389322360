package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.command.StoaCommand;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands bundles contribute ({@link StoaCommand} services) over HTTP, for {@code bin/stoa}:
 * <ul>
 *   <li>{@code GET /v1/commands}: {@code {"commands": [{"name", "summary"}]}}, by name;</li>
 *   <li>{@code POST /v1/commands/{name}} {@code {"args": ["--n", "200"]}}: runs the command on a thread of its own and
 *       answers {@code application/x-ndjson} as it goes, one JSON object a line: {@code {"out": text}} and
 *       {@code {"err": text}} for what it prints (each up to and including a newline, the exact characters), then
 *       {@code {"exit": status}} last (a command that throws: {@code {"err": message}}, then exit 1). When the caller
 *       disconnects, the command's thread is interrupted.</li>
 * </ul>
 * Running needs the management token when one is configured, else a loopback client, as starting a training does: a
 * command runs code of the server with its rights.
 */
final class CommandEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(CommandEndpoints.class);

    private final Vertx vertx;
    private final Supplier<List<StoaCommand>> commands;
    private final ManagementAccess access;

    /**
     * @param vertx for the response's context
     * @param commands the registered commands, looked up at each request (bundles come and go)
     * @param access who may run them
     */
    CommandEndpoints(Vertx vertx, Supplier<List<StoaCommand>> commands, ManagementAccess access) {
        this.vertx = vertx;
        this.commands = commands;
        this.access = access;
    }

    /** Registers {@code GET /v1/commands} and {@code POST /v1/commands/{name}} on the gateway's router. */
    static void route(Router router, CommandEndpoints commands) {
        router.get("/v1/commands").handler(commands::list);
        router.post("/v1/commands/:name")
                .handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
                .handler(commands::run);
    }

    void list(RoutingContext rc) {
        JsonArray out = new JsonArray();
        commands.get().stream()
                .sorted(Comparator.comparing(StoaCommand::name))
                .forEach(c -> out.add(new JsonObject().put("name", c.name()).put("summary", c.summary())));
        HttpGateway.json(rc, 200, new JsonObject().put("commands", out));
    }

    void run(RoutingContext rc) {
        String name = rc.pathParam("name");
        Optional<StoaCommand> found =
                commands.get().stream().filter(c -> c.name().equals(name)).findFirst();
        if (found.isEmpty()) {
            HttpGateway.error(
                    rc,
                    FailureCode.UNKNOWN_SERVICE,
                    "no command '" + name + "'; GET /v1/commands lists" + " the commands of the installed bundles");
            return;
        }
        if (!access.allowed(rc, "running a command")) {
            return;
        }
        List<String> args = new ArrayList<>();
        JsonObject body;
        try {
            body = rc.body().isEmpty() ? new JsonObject() : rc.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null || body.containsKey("args") && !(body.getValue("args") instanceof JsonArray)) {
            HttpGateway.error(
                    rc,
                    FailureCode.BAD_INPUT,
                    "'args': send {\"args\": [\"--n\", \"200\"]}, the command's" + " arguments as strings");
            return;
        }
        body.getJsonArray("args", new JsonArray()).forEach(a -> args.add(String.valueOf(a)));
        stream(rc, found.get(), args);
    }

    private void stream(RoutingContext rc, StoaCommand command, List<String> args) {
        HttpServerResponse response = rc.response()
                .setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "application/x-ndjson")
                .putHeader("Cache-Control", "no-cache");
        Context context = vertx.getOrCreateContext();
        LineSink sink = line -> context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                response.write(line.encode() + "\n");
            }
        });
        Thread thread = new Thread(
                () -> {
                    int status;
                    try (PrintStream out = new PrintStream(new LineOutput("out", sink), true, StandardCharsets.UTF_8);
                            PrintStream err =
                                    new PrintStream(new LineOutput("err", sink), true, StandardCharsets.UTF_8)) {
                        try {
                            status = command.run(args, out, err);
                        } catch (Exception | LinkageError e) {
                            if (!(e instanceof InterruptedException)) {
                                LOG.warn("command {} failed", command.name(), e);
                            }
                            err.println(e.getMessage() != null ? e.getMessage() : e.toString());
                            status = StoaCommand.FAILED;
                        }
                    }
                    int exit = status;
                    context.runOnContext(v -> {
                        if (!response.closed() && !response.ended()) {
                            response.end(new JsonObject().put("exit", exit).encode() + "\n");
                        }
                    });
                },
                "stoa-command-" + command.name());
        thread.setDaemon(true);
        response.closeHandler(v -> thread.interrupt());
        thread.start();
    }

    /** Where the command's complete pieces of output go, as {@code {"out"|"err": text}}. */
    @FunctionalInterface
    interface LineSink {
        void accept(JsonObject line);
    }

    /** Collects bytes and hands them on at each newline, and the rest when flushed or closed. */
    static final class LineOutput extends java.io.OutputStream {
        private final String stream;
        private final LineSink sink;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        LineOutput(String stream, LineSink sink) {
            this.stream = stream;
            this.sink = sink;
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            // PrintStream flushes after every println: only whole lines go out then; the rest waits for its newline
        }

        @Override
        public synchronized void close() {
            emit();
        }

        private void emit() {
            if (pending.size() > 0) {
                sink.accept(new JsonObject().put(stream, pending.toString(StandardCharsets.UTF_8)));
                pending.reset();
            }
        }
    }
}
