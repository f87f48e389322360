package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStores;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * API keys and browser safety in the real distribution, over loopback, as an operator sets them up: keys in
 * etc/keys.properties (their SHA-256 only) and {@code anonymousLoopback = false} in etc/dev.stoa.security.cfg. A
 * call without a key gets 401, a key without {@code write} gets 403 on {@code vectors.<c>.delete}, a removed key
 * stops within 2 s, the refusals show in /metrics, and a rebound Host, a cross-origin POST and a text/plain JSON body
 * are refused.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecurityAuthIT extends StoaTestSupport {

    private static final String COLLECTION = "guarded";

    /** Writes the keys before the framework starts (outside it), and the plain keys where the test can read them. */
    @Override
    protected void buildBundles(Path dir) throws IOException {
        Path work = dir.getParent();
        Properties plain = new Properties();
        List<String> lines = new ArrayList<>();
        lines.add("# written by SecurityAuthIT");
        for (String[] k : new String[][] {{"reader", "call"}, {"writer", "call,write"}, {"revocable", "call"}}) {
            String key = newKey();
            plain.setProperty(k[0], key);
            lines.add(k[0] + " = " + sha256(key) + "; scopes=" + k[1]);
        }
        Files.write(work.resolve("etc/keys.properties"), lines);
        try (var out = Files.newOutputStream(work.resolve("itest-keys.properties"))) {
            plain.store(out, null);
        }
        Path security = work.resolve("etc/dev.stoa.security.cfg");
        Files.writeString(
                security, Files.readString(security).replace("anonymousLoopback = true", "anonymousLoopback = false"));
    }

    @Test
    public void keysScopesRevocationAndBrowserChecks() throws Exception {
        Properties keys = new Properties();
        Path work = Path.of(context.getProperty("stoa.home"));
        try (var in = Files.newInputStream(work.resolve("itest-keys.properties"))) {
            keys.load(in);
        }
        String reader = keys.getProperty("reader");
        String writer = keys.getProperty("writer");
        await("gateway listening", () -> status("/health/live") == 200);
        service(VectorStores.class).open(COLLECTION, 4, VectorMetric.COSINE);
        ServiceDirectory directory = service(ServiceDirectory.class);
        String delete = "vectors." + COLLECTION + ".delete";
        await(
                delete + " on the bus",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals(delete) && s.state().equals("available")));

        // 1. no key: 401, naming the header and how to get a key; the health probes stay open
        Response none = post("/v1/services/vectors." + COLLECTION + ".query", "{\"embedding\": [1,0,0,0]}", null);
        assertEquals(none.body, 401, none.status);
        assertEquals("UNAUTHORIZED", new JsonObject(none.body).getString("error"));
        assertTrue(none.body, none.body.contains("Authorization: Bearer <key>"));
        assertEquals(401, get("/v1/services", null).status);
        int ready = get("/health/ready", null).status;
        assertTrue("readiness needs no key: " + ready, ready == 200 || ready == 503);

        // 2. a key with call only: reads, but 403 on a service that declares stoa.writes
        assertEquals(
                200,
                post("/v1/services/vectors." + COLLECTION + ".query", "{\"embedding\": [1,0,0,0]}", reader).status);
        Response denied = post("/v1/services/" + delete, "{\"id\": \"a\"}", reader);
        assertEquals(denied.body, 403, denied.status);
        assertEquals("FORBIDDEN", new JsonObject(denied.body).getString("error"));
        assertTrue(denied.body, denied.body.contains("'write' scope"));
        assertEquals(403, post("/v1/services/vectors." + COLLECTION + ".upsert", doc("a"), reader).status);
        // with write: the same calls go through
        Response upserted = post("/v1/services/vectors." + COLLECTION + ".upsert", doc("a"), writer);
        assertEquals(upserted.body, 200, upserted.status);
        Response deleted = post("/v1/services/" + delete, "{\"id\": \"a\"}", writer);
        assertEquals(deleted.body, 200, deleted.status);
        assertEquals(1L, (long) new JsonObject(deleted.body).getLong("deleted"));
        // trainings need write too
        assertEquals(403, post("/v1/trainings", "{\"file\": \"etc/train/none.yaml\"}", reader).status);

        // 3. a removed key stops working within 2 s
        String revocable = keys.getProperty("revocable");
        assertEquals(200, get("/v1/services", revocable).status);
        Path file = work.resolve("etc/keys.properties");
        List<String> kept = Files.readAllLines(file).stream()
                .filter(l -> !l.startsWith("revocable"))
                .toList();
        Path staged = work.resolve("etc/keys.properties.tmp");
        Files.write(staged, kept);
        long removed = System.nanoTime();
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        int status;
        do {
            status = get("/v1/services", revocable).status;
        } while (status == 200 && System.nanoTime() - removed < 5_000_000_000L);
        double seconds = (System.nanoTime() - removed) / 1e9;
        assertEquals(401, status);
        assertTrue("revoked after " + seconds + " s", seconds < 2.0);
        System.out.printf("SecurityAuthIT: a removed key was refused after %.3f s%n", seconds);
        assertEquals("the other keys still work", 200, get("/v1/services", reader).status);

        // 4. browser safety: a rebound Host, a cross-origin POST, a text/plain JSON body
        Response rebound =
                send("GET", "/v1/services", null, "Host", "attacker.example", "Authorization", "Bearer " + reader);
        assertEquals(rebound.body, 403, rebound.status);
        assertTrue(rebound.body, rebound.body.contains("allowedHosts"));
        Response crossOrigin = send(
                "POST",
                "/v1/services/vectors." + COLLECTION + ".query",
                "{\"embedding\": [1,0,0,0]}",
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + reader,
                "Origin",
                "https://attacker.example");
        assertEquals(crossOrigin.body, 403, crossOrigin.status);
        assertTrue(crossOrigin.body, crossOrigin.body.contains("corsOrigins"));
        Response plainText = send(
                "POST",
                "/v1/services/vectors." + COLLECTION + ".query",
                "{\"embedding\": [1,0,0,0]}",
                "Content-Type",
                "text/plain",
                "Authorization",
                "Bearer " + reader);
        assertEquals(plainText.body, 415, plainText.status);
        assertEquals("UNSUPPORTED_MEDIA_TYPE", new JsonObject(plainText.body).getString("error"));
        assertTrue(plainText.body, plainText.body.contains("Content-Type: application/json"));

        // 5. every refusal is counted in /metrics, by reason
        Response metrics = get("/metrics", reader);
        assertEquals(200, metrics.status);
        for (String reason : new String[] {"missing_key", "unknown_key", "scope", "host", "origin", "content_type"}) {
            assertTrue(
                    reason + " in " + metrics.body,
                    metrics.body.contains("stoa_auth_refusals_total{door=\"http\",reason=\"" + reason + "\"}"));
        }
        assertTrue(metrics.body, metrics.body.contains("stoa_auth_keys 2"));
    }

    private static String doc(String id) {
        return "{\"id\": \"" + id + "\", \"embedding\": [1,0,0,0]}";
    }

    private record Response(int status, String body) {}

    private Response get(String path, String key) throws IOException {
        return key == null ? send("GET", path, null) : send("GET", path, null, "Authorization", "Bearer " + key);
    }

    private Response post(String path, String json, String key) throws IOException {
        return key == null
                ? send("POST", path, json, "Content-Type", "application/json")
                : send("POST", path, json, "Content-Type", "application/json", "Authorization", "Bearer " + key);
    }

    /** One HTTP/1.1 exchange over a socket, headers exactly as given (Java's HttpClient will not send a Host). */
    private Response send(String method, String path, String body, String... headers) throws IOException {
        int port = Integer.parseInt(context.getProperty("stoa.http.port"));
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean host = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            host |= headers[i].equalsIgnoreCase("Host");
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!host) {
            request.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(content);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            String raw = out.toString(StandardCharsets.UTF_8);
            int end = raw.indexOf("\r\n\r\n");
            String payload = raw.substring(end + 4);
            if (raw.substring(0, end).toLowerCase().contains("transfer-encoding: chunked")) {
                payload = dechunk(payload);
            }
            return new Response(Integer.parseInt(raw.split(" ", 3)[1]), payload);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int nl = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, nl).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, nl + 2, nl + 2 + size);
            at = nl + 2 + size + 2;
        }
    }

    private static String newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "stoa_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256(String key) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
