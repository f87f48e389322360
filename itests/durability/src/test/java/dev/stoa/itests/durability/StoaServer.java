package dev.stoa.itests.durability;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One real Stoa server: its own home folder made from the built distribution ({@code lib/} and {@code models/}
 * shared as links), started with {@code bin/stoa} in its own JVM on free ports, spoken to over HTTP, and killed
 * with SIGKILL ({@link Process#destroyForcibly()} on Linux) as a crash would.
 *
 * <p>Public, and shipped in this module's test jar, so that other itests modules (itests/console) start their
 * server the same way.
 *
 * <p>Requests carry {@code Authorization: Bearer <key>}: the key {@link #apiKey(String)} set, else the local
 * operator's admin key the server writes to {@code data/local-admin.key} (as {@code bin/stoa} sends it), since
 * vector writes need the {@code write} scope.
 */
public final class StoaServer implements AutoCloseable {

    /** system/ bundles that load models (DJL, PyTorch, ONNX Runtime, OCR): left out by {@link #withoutModels()}. */
    public static final Set<String> MODEL_BUNDLES = Set.of(
            "dev.stoa.djl",
            "dev.stoa.nn",
            "dev.stoa.losses",
            "dev.stoa.encoders",
            "dev.stoa.models.clip",
            "dev.stoa.onnxruntime",
            "dev.stoa.ocr.paddle",
            "dev.stoa.ocr.tesseract");

    public final Path home;
    public final int httpPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private String apiKey;
    private String javaOpts = "-XX:+UseSerialGC";
    private Process process;
    private int starts;

    /**
     * Makes the home: {@code bin/}, {@code etc/}, {@code deploy/} and {@code system/} copied, {@code lib/} and
     * {@code models/} linked, {@code data/} empty, the HTTP and bridge ports free ones.
     *
     * @param dist the built distribution folder (distribution/target/stoa)
     * @param home where the server's home is made (emptied first)
     * @param leaveOut symbolic names of system/ bundles not to copy
     */
    public StoaServer(Path dist, Path home, Set<String> leaveOut) throws IOException {
        if (!Files.isDirectory(dist.resolve("system"))) {
            throw new IllegalStateException(
                    dist + " holds no built distribution: build it first (mvn -B -pl distribution -am verify)");
        }
        this.home = home;
        this.httpPort = freePort();
        deleteTree(home);
        Files.createDirectories(home);
        for (String dir : List.of("bin", "etc", "deploy")) {
            copyTree(dist.resolve(dir), home.resolve(dir));
        }
        Files.createDirectories(home.resolve("system"));
        try (Stream<Path> jars = Files.list(dist.resolve("system"))) {
            for (Path jar : jars.toList()) {
                String file = jar.getFileName().toString();
                if (leaveOut.stream().noneMatch(b -> file.startsWith(b + "-"))) {
                    Files.copy(jar, home.resolve("system").resolve(file));
                }
            }
        }
        Files.createSymbolicLink(home.resolve("lib"), dist.resolve("lib").toAbsolutePath());
        if (Files.isDirectory(dist.resolve("models"))) {
            Files.createSymbolicLink(
                    home.resolve("models"), dist.resolve("models").toAbsolutePath());
        }
        Files.createDirectories(home.resolve("data"));
        home.resolve("bin/stoa").toFile().setExecutable(true);
        // the TCP bridge's fixed default port would collide with any other server on this machine
        Path bridge = home.resolve("etc/dev.stoa.bridge.cfg");
        Files.writeString(
                bridge,
                Files.readString(bridge) + System.lineSeparator() + "port = " + freePort() + System.lineSeparator());
    }

    /** @return a server of the platform without its model bundles (starts in seconds, little memory) */
    public static StoaServer withoutModels(Path dist, Path home) throws IOException {
        return new StoaServer(dist, home, MODEL_BUNDLES);
    }

    /** Sends {@code Authorization: Bearer <key>} with every request from now on ({@code null}: none). */
    public StoaServer apiKey(String key) {
        this.apiKey = key;
        return this;
    }

    /** The JVM options the server starts with (JAVA_OPTS; bin/stoa adds the heap limit and exit on OOM). */
    public StoaServer javaOpts(String opts) {
        this.javaOpts = opts;
        return this;
    }

    /** Writes (or replaces) a file under {@code etc/}: a configuration or a pipeline. */
    public void etc(String relative, String content) throws IOException {
        Path file = home.resolve("etc").resolve(relative);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        // renamed into place, so FileInstall never reads half a file
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public void start() throws IOException {
        starts++;
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/stoa").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("data/console.log").toFile()));
        pb.environment().put("STOA_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("JAVA_OPTS", javaOpts);
        pb.environment().remove("STOA_URL");
        process = pb.start();
    }

    /** @return how many times {@link #start()} ran */
    public int starts() {
        return starts;
    }

    /** Kills the JVM outright (SIGKILL): no shutdown hook, no final commit, as in a crash. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server did not die within 30 s of SIGKILL");
            }
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** @return the JVM's process id */
    public long pid() {
        return process.pid();
    }

    /** @return the JVM's resident set size in MiB, from /proc, or -1 where there is none */
    public long rssMiB() {
        if (!alive()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public String console() throws IOException {
        Path log = home.resolve("data/console.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits until {@code condition} holds, failing with the console's end if it does not within the time. */
    public void await(String what, long seconds, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                throw new AssertionError("the server died while waiting for: " + what + "\n" + tail());
            }
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not within " + seconds + " s: " + what + "\n" + tail());
    }

    /** Waits until the service is listed as running on this server. */
    public void awaitService(String id, long seconds) throws Exception {
        await("service " + id + " listed", seconds, () -> {
            try {
                Answer a = get("/v1/services");
                if (a.status() != 200) {
                    return false;
                }
                for (Object o : a.array()) {
                    if (o instanceof JsonObject s && id.equals(s.getString("id"))) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private String tail() {
        try {
            String c = console();
            return c.length() > 4000 ? c.substring(c.length() - 4000) : c;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The answer of one HTTP call: status and body. */
    public record Answer(int status, String body, long nanos) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray array() {
            return new JsonArray(body);
        }
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).timeout(Duration.ofSeconds(30)).GET());
    }

    public Answer post(String path, JsonObject body) throws IOException, InterruptedException {
        return post(path, "application/json", body.encode());
    }

    /** Posts any body (malformed JSON included) with the given content type. */
    public Answer post(String path, String contentType, String body) throws IOException, InterruptedException {
        return send(request(path)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path));
        String key = apiKey != null ? apiKey : localAdminKey();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    /**
     * @return the local operator's admin key, which the server writes to {@code data/local-admin.key} on its first
     *     start (as {@code bin/stoa} sends it to a server on loopback), or {@code null} before it exists
     */
    public String localAdminKey() throws IOException {
        Path file = home.resolve("data/local-admin.key");
        return Files.isReadable(file) ? Files.readString(file).strip() : null;
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), System.nanoTime() - t);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
