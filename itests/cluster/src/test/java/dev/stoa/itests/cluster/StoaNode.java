package dev.stoa.itests.cluster;

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
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One real Stoa server: its own home folder made from the built distribution, started with {@code bin/stoa} in its
 * own JVM, spoken to over HTTP.
 *
 * <p>The home keeps the distribution's platform bundles and leaves out its model bundles (OCR, ONNX Runtime, CLIP,
 * DJL and the blocks built on it): the cluster does not involve them, and each would load models in every node, which
 * would triple start time and memory on a small test machine. {@code lib/} is shared, as a link.
 */
final class StoaNode implements AutoCloseable {

    /** system/ bundles that serve models; none of them takes part in clustering. */
    private static final Set<String> MODEL_BUNDLES = Set.of(
            "dev.stoa.djl",
            "dev.stoa.nn",
            "dev.stoa.losses",
            "dev.stoa.encoders",
            "dev.stoa.models.clip",
            "dev.stoa.onnxruntime",
            "dev.stoa.ocr.paddle",
            "dev.stoa.ocr.tesseract");

    private static final Pattern JOINED = Pattern.compile("Joined cluster '[^']+' as \\S+ in (\\d+) ms");
    private static final Pattern NODE_ID = Pattern.compile("node ([0-9a-f-]{36}) of cluster");

    final String name;
    final Path home;
    final int httpPort;
    final int clusterPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private Process process;

    /**
     * @param dist the built distribution folder (distribution/target/stoa)
     * @param work where the node's home is made (emptied first)
     */
    StoaNode(String name, Path dist, Path work) throws IOException {
        this.name = name;
        this.home = work.resolve(name);
        this.httpPort = freePort();
        this.clusterPort = freePort();
        deleteTree(home);
        Files.createDirectories(home);
        for (String dir : List.of("bin", "etc", "deploy")) {
            copyTree(dist.resolve(dir), home.resolve(dir));
        }
        Files.createDirectories(home.resolve("system"));
        try (Stream<Path> jars = Files.list(dist.resolve("system"))) {
            for (Path jar : jars.toList()) {
                String file = jar.getFileName().toString();
                if (MODEL_BUNDLES.stream().noneMatch(b -> file.startsWith(b + "-"))) {
                    Files.copy(jar, home.resolve("system").resolve(file));
                }
            }
        }
        Files.createSymbolicLink(home.resolve("lib"), dist.resolve("lib").toAbsolutePath());
        Files.createDirectories(home.resolve("data"));
        home.resolve("bin/stoa").toFile().setExecutable(true);
        // the shipped example pipeline would run on every node; each test writes the pipelines it needs
        try (Stream<Path> pipelines = Files.list(home.resolve("etc/pipelines"))) {
            for (Path p : pipelines.toList()) {
                Files.delete(p);
            }
        }
        // the model bundles' configurations would only be logged as unused
        try (Stream<Path> cfgs = Files.list(home.resolve("etc"))) {
            for (Path cfg : cfgs.toList()) {
                String f = cfg.getFileName().toString();
                if (f.startsWith("dev.stoa.ocr.") || f.startsWith("dev.stoa.onnxruntime.")) {
                    Files.delete(cfg);
                }
            }
        }
    }

    /** Makes this node a cluster member that contacts {@code members} to join. */
    void cluster(String clusterName, List<StoaNode> members) throws IOException {
        String list = String.join(
                ",", members.stream().map(m -> "127.0.0.1:" + m.clusterPort).toList());
        Files.writeString(
                home.resolve("etc/dev.stoa.vertx.cfg"),
                String.join(
                        "\n",
                        "clustered = true",
                        "cluster.name = " + clusterName,
                        "cluster.host = 127.0.0.1",
                        "cluster.port = " + clusterPort,
                        "cluster.members = " + list,
                        "cluster.joinTimeoutMs = 60000",
                        ""));
    }

    void deploy(Path bundle) throws IOException {
        Files.copy(bundle, home.resolve("deploy").resolve(bundle.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    void pipeline(String name, String yaml) throws IOException {
        Files.writeString(home.resolve("etc/pipelines").resolve(name + ".yaml"), yaml);
    }

    void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/stoa").toString())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("data/console.log").toFile());
        pb.environment().put("STOA_HTTP_PORT", Integer.toString(httpPort));
        // small heaps and the serial collector: three JVMs share a small machine in this test
        pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        pb.environment().remove("STOA_URL");
        process = pb.start();
    }

    /** Kills the JVM outright (SIGKILL): the node dies without leaving the cluster, as in a crash. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** @return the "Joined cluster ... in N ms" time this node logged, or -1 */
    long joinMillis() throws IOException {
        Matcher m = JOINED.matcher(console());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** @return this node's Vert.x node id, from its log, or {@code null} before it joined */
    String nodeId() throws IOException {
        Matcher m = NODE_ID.matcher(console());
        return m.find() ? m.group(1) : null;
    }

    String console() throws IOException {
        Path log = home.resolve("data/console.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The answer of one HTTP call: status and body. */
    record Answer(int status, String body, long nanos) {
        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray array() {
            return new JsonArray(body);
        }
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
    }

    Answer post(String path, JsonObject body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), System.nanoTime() - t);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    /** @return the entry of service {@code id} in this node's directory served by {@code node} ({@code null}: local) */
    JsonObject service(String id, String node) throws IOException, InterruptedException {
        for (Object o : get("/v1/services").array()) {
            JsonObject s = (JsonObject) o;
            if (id.equals(s.getString("id")) && java.util.Objects.equals(node, s.getString("node"))) {
                return s;
            }
        }
        return null;
    }

    static int freePort() throws IOException {
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

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
