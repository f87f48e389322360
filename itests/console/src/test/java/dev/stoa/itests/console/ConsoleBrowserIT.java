package dev.stoa.itests.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.itests.durability.StoaServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 19: the web console in a real browser. One real server (bin/stoa from the built distribution, every bundle)
 * is started with a short first-start CLIP training ({@code src/test/resources/train/clip-shapes.yaml}) in place of
 * the shipped ones, so {@code clip-tiny} is trained in seconds rather than minutes, and with the training the chart
 * test starts ({@code train/console-chart.yaml}); once it is published, the browser tests in {@code src/test/browser/tests/}
 * ({@code node --test}, playwright-core driving Debian's headless Chromium) run against its {@code /console} and
 * this test fails if any of them fails. Their output (one line per test, and the failures with the page's console
 * errors and failed requests) is printed here.
 *
 * <p>Chromium missing is a failure, not a skip: {@code .ci/run} installs it with apt, and a console test that passes
 * without a browser would prove nothing. Run it without the browser tests by leaving the module out
 * ({@code -pl '!itests/console'}).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ConsoleBrowserIT {

    private static final int START_SECONDS = 300;

    private static StoaServer server;
    private static long readyMillis;

    @BeforeAll
    static void startServer() throws Exception {
        Path chromium = Path.of(System.getProperty("stoa.chromium", "/usr/bin/chromium"));
        assertThat(Files.isExecutable(chromium))
                .as(chromium + " is not there: the console's browser tests drive Debian's Chromium; install it with"
                        + " 'apt-get install chromium' (.ci/run does), or pass -Dstoa.chromium=<path of a Chromium>,"
                        + " or leave the module out with -pl '!itests/console'")
                .isTrue();
        Path tests = browserTests();
        assertThat(tests.resolve("node_modules/playwright-core/package.json"))
                .as("playwright-core is not installed in " + tests + ": the build runs 'npm ci' there"
                        + " (pre-integration-test); it needs npm and its registry, or npm's cache")
                .exists();

        Path dist = Path.of(System.getProperty("stoa.dist", "../../distribution/target/stoa"));
        Path work = Path.of(System.getProperty("stoa.itest.work", "target/console-it"));
        server = new StoaServer(dist, work.resolve("server"), java.util.Set.of());
        // the shipped trainings would take the trainer (and both cores) for minutes: one short first-start training
        // of clip-tiny replaces them, and the chart test's training waits in the folder to be started
        try (var files = Files.list(server.home.resolve("etc/train"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        for (String training : List.of("clip-shapes.yaml", "console-chart.yaml")) {
            server.etc("train/" + training, resource("train/" + training));
        }
        long t0 = System.nanoTime();
        server.start();
        // polled on GET /v1/models, which answers 200 throughout: each 503 of /health/ready while the server starts
        // would be one of the "last errors" on the overview page (and in its screenshot)
        server.await(
                "clip-tiny trained and READY",
                START_SECONDS,
                () -> modelStatus("clip-tiny").equals("READY"));
        server.await("GET /health/ready answers 200", START_SECONDS, () -> status("/health/ready") == 200);
        readyMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[measure] server ready with clip-tiny trained in %d ms%n", readyMillis);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyBrowserTestPasses() throws Exception {
        Path tests = browserTests();
        Path screenshots = Path.of(System.getProperty("stoa.console.screenshots", "target/screenshots"))
                .toAbsolutePath();
        Files.createDirectories(screenshots);
        List<String> command = new ArrayList<>(List.of("node", "--test", "--test-concurrency=1"));
        command.add("--test-reporter=spec");
        try (var files = Files.list(tests.resolve("tests"))) {
            files.map(Path::toString)
                    .filter(f -> f.endsWith(".test.mjs"))
                    .sorted()
                    .forEach(command::add);
        }
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(tests.toFile()).redirectErrorStream(true);
        pb.environment().put("STOA_URL", "http://127.0.0.1:" + server.httpPort);
        pb.environment().put("STOA_HOME", server.home.toAbsolutePath().toString());
        pb.environment().put("STOA_KEY", server.localAdminKey());
        pb.environment().put("STOA_CHROMIUM", System.getProperty("stoa.chromium", "/usr/bin/chromium"));
        pb.environment()
                .put(
                        "STOA_SHOUT_JAR",
                        Path.of(System.getProperty("stoa.shout.jar"))
                                .toAbsolutePath()
                                .toString());
        pb.environment().put("STOA_SCREENSHOTS", screenshots.toString());
        pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        long t0 = System.nanoTime();
        Process node = pb.start();
        StringBuilder out = new StringBuilder();
        try (var reader = node.inputReader()) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.out.println("[browser] " + line);
                out.append(line).append('\n');
            }
        }
        boolean exited = node.waitFor(12, TimeUnit.MINUTES);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000;
        System.out.printf("[measure] browser tests ran in %d s (server start %d ms before)%n", seconds, readyMillis);
        assertThat(exited).as("the browser tests ended").isTrue();
        assertThat(node.exitValue())
                .as("node --test exit status; its output:\n" + out + "\nserver console's end:\n" + tail())
                .isZero();
        // a run that found no test file at all would also exit 0
        assertThat(out.toString()).containsPattern("(?m)^\\S* ?pass [1-9]");
    }

    /** @return a file of src/test/resources (the trainings the server gets) */
    private static String resource(String name) throws IOException {
        try (var in = ConsoleBrowserIT.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the test class path (src/test/resources)");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static Path browserTests() {
        return Path.of(System.getProperty("stoa.browser.tests", "target/browser"))
                .toAbsolutePath();
    }

    private static int status(String path) {
        try {
            return server.get(path).status();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String modelStatus(String id) {
        try {
            StoaServer.Answer a = server.get("/v1/models");
            if (a.status() != 200) {
                return "HTTP " + a.status();
            }
            for (Object o : a.json().getJsonArray("models")) {
                if (o instanceof JsonObject m && id.equals(m.getString("id"))) {
                    JsonObject status = m.getJsonObject("status");
                    return status == null ? "no status" : String.valueOf(status.getString("state"));
                }
            }
            return "not listed";
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String tail() {
        try {
            String c = server.console();
            return c.length() > 6000 ? c.substring(c.length() - 6000) : c;
        } catch (IOException e) {
            return e.toString();
        }
    }
}
