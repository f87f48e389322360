package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.command.StoaCommand;
import dev.stoa.launcher.Main;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command round trip: {@code bin/stoa}'s own code ({@link Main}, the launcher) against the gateway's real
 * endpoint on a real Vert.x HTTP server, running real {@link StoaCommand}s as a bundle would register them. What the
 * command prints must come out of the command line byte for byte, on the same stream, with its exit status.
 */
class CommandEndpointsTest {

    private Vertx vertx;
    private HttpServer server;
    private final List<StoaCommand> commands = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CountDownLatch interrupted = new CountDownLatch(1);

    /** A command as simple as the interface allows. */
    private record Command(String name, Body body) implements StoaCommand {
        interface Body {
            int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
        }

        @Override
        public String summary() {
            return name + " things: " + name + " [--name N]";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
            return body.run(args, out, err);
        }
    }

    @BeforeEach
    void start() {
        commands.add(new Command("greet", (args, o, e) -> {
            o.println("hello " + args.get(args.indexOf("--name") + 1));
            e.println("greeting on stderr");
            o.print("é without a newline");
            return 3;
        }));
        commands.add(new Command("explode", (args, o, e) -> {
            throw new IllegalStateException("the flux capacitor is missing");
        }));
        commands.add(new Command("sleep", (args, o, e) -> {
            o.println("sleeping");
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ie) {
                interrupted.countDown();
                throw ie;
            }
            return 0;
        }));
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        CommandEndpoints.route(router, new CommandEndpoints(vertx, () -> commands, new ManagementAccess(null, false)));
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private int stoa(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url()));
        return Main.execute(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aBundlesCommandRunsThroughTheCommandLineWithItsOutputAndStatus() {
        assertThat(stoa("greet", "--name", "Ada")).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello Ada\né without a newline");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("greeting on stderr\n");
    }

    @Test
    void helpListsTheServersCommandsAfterItsOwn() {
        assertThat(stoa("help")).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("  train ")
                .contains("Commands of the server's bundles (" + url() + "):")
                .contains("  greet      greet things: greet [--name N]")
                .contains("  explode ");
        assertThat(printed.indexOf("  train ")).isLessThan(printed.indexOf("  greet "));
    }

    @Test
    void aCommandNobodyHasIsAUsageError() {
        assertThat(stoa("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("stoa: unknown command 'frobnicate': neither the" + " command line nor the server at " + url()
                        + " has it")
                .contains("Usage: stoa");
    }

    @Test
    void aCommandThatThrowsEndsWithStatusOneAndItsMessage() {
        assertThat(stoa("explode")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("the flux capacitor is missing\n");
    }

    @Test
    void theCommandIsInterruptedWhenTheCallerGoesAway() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            socket.getOutputStream()
                    .write(("POST /v1/commands/sleep HTTP/1.1\r\nHost: x\r\nContent-Type:"
                                    + " application/json\r\nContent-Length: 2\r\n\r\n{}")
                            .getBytes(StandardCharsets.US_ASCII));
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> head = new ArrayList<>();
            for (String line = lines.readLine(); line != null && !line.contains("sleeping"); line = lines.readLine()) {
                head.add(line);
            }
            assertThat(head).contains("HTTP/1.1 200 OK", "Content-Type: application/x-ndjson");
        } // closed: what Ctrl-C on bin/stoa amounts to for the server
        assertThat(interrupted.await(10, TimeUnit.SECONDS))
                .as("the command's thread was interrupted")
                .isTrue();
    }
}
