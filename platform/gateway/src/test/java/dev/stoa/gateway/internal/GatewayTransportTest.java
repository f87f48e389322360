package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's connection side on a real Vert.x server set up as {@code HttpGateway} sets its own up (the same
 * {@link GatewayTransport}, {@link RequestTimeout} first in the router, a body handler after it), over real sockets.
 */
class GatewayTransportTest {

    private Vertx vertx;
    private HttpServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private int serve(GatewayTransport transport, long requestTimeoutMs) throws Exception {
        Router router = Router.router(vertx);
        router.route().handler(new RequestTimeout(vertx, requestTimeoutMs));
        router.get("/ping").handler(rc -> rc.response().end("pong"));
        router.post("/echo")
                .handler(BodyHandler.create(false))
                .handler(rc -> rc.response().end(rc.body().asString()));
        server = vertx.createHttpServer(transport.apply(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
                .requestHandler(router);
        transport.attach(server);
        return server.listen().await(10, TimeUnit.SECONDS).actualPort();
    }

    private static GatewayTransport plain(int maxConnections) {
        return new GatewayTransport(Optional.empty(), 120, false, maxConnections);
    }

    @Test
    void httpsAnswersWithTheSelfSignedCertificateAndPlainHttpIsRefused(@TempDir Path dir) throws Exception {
        TestTls tls = TestTls.make(dir);
        int port = serve(
                new GatewayTransport(
                        PemTls.keyCert(tls.cert().toString(), tls.key().toString(), null, "test"), 120, false, 0),
                30_000);

        HttpClient https = HttpClient.newBuilder()
                .sslContext(tls.trusting())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> ok = https.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/ping"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("pong");
        // HTTP/1.1 only unless http2 is configured: ALPN offers nothing else
        assertThat(ok.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);

        // a client that does not trust the certificate is refused by its own TLS check
        HttpClient untrusting =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> untrusting.send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/ping"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(javax.net.ssl.SSLException.class);
    }

    @Test
    void onlyOneOfTheTwoPemFilesIsAnErrorNamingTheOther(@TempDir Path dir) throws Exception {
        TestTls tls = TestTls.make(dir);
        assertThatThrownBy(() -> PemTls.keyCert(tls.cert().toString(), "", null, "etc/dev.stoa.gateway.cfg"))
                .hasMessageContaining("tlsCertFile is set")
                .hasMessageContaining("tlsKeyFile is not");
        assertThatThrownBy(() -> PemTls.keyCert("etc/tls/missing.pem", tls.key().toString(), dir.toString(), "x"))
                .hasMessageContaining("tlsCertFile=etc/tls/missing.pem")
                .hasMessageContaining(dir.resolve("etc/tls/missing.pem").toString());
        assertThat(PemTls.keyCert("", " ", null, "x")).isEmpty();
        // relative paths are read from the installation folder
        assertThat(PemTls.keyCert("cert.pem", "key.pem", dir.toString(), "x")
                        .orElseThrow()
                        .getCertPaths())
                .containsExactly(dir.resolve("cert.pem").toString());
    }

    @Test
    void aStalledBodyIsAnswered408AndItsConnectionClosed() throws Exception {
        int port = serve(plain(0), 700);
        Socket socket = socket(port);
        long start = System.nanoTime();
        socket.getOutputStream()
                .write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 100\r\n\r\n{\"text\": \"half")
                        .getBytes(StandardCharsets.US_ASCII));
        String answer = readUntilClosed(socket);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(answer).startsWith("HTTP/1.1 408");
        assertThat(answer).contains("\"REQUEST_TIMEOUT\"").contains("requestTimeoutMs");
        assertThat(ms).isBetween(600L, 5_000L);

        // a body sent whole is not affected, even when its answer takes longer than the timeout to be read
        Socket whole = socket(port);
        whole.getOutputStream()
                .write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}")
                        .getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(1_000);
        assertThat(readUntilClosed(whole)).startsWith("HTTP/1.1 200").endsWith("{}");
    }

    @Test
    void connectionsOverTheCapAreClosedWhileTheOpenOnesAreServed() throws Exception {
        int port = serve(plain(2), 30_000);
        Socket first = socket(port);
        Socket second = socket(port);
        assertThat(exchange(first)).startsWith("HTTP/1.1 200");
        assertThat(exchange(second)).startsWith("HTTP/1.1 200");

        Socket third = socket(port);
        long start = System.nanoTime();
        String refused;
        try {
            refused = exchange(third);
        } catch (SocketException reset) {
            refused = "";
        }
        assertThat(refused).isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);

        // the two open connections keep being served
        assertThat(exchange(first)).startsWith("HTTP/1.1 200");
        assertThat(exchange(second)).startsWith("HTTP/1.1 200");

        // once one closes, a new one is let in
        second.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String later = "";
        while (later.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            try {
                later = exchange(socket(port));
            } catch (SocketException reset) {
                later = "";
            }
        }
        assertThat(later).startsWith("HTTP/1.1 200");
    }

    @Test
    void h2cUpgradeIsNotHonouredUnlessConfigured() throws Exception {
        String upgrade = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";
        int port = serve(plain(0), 30_000);
        Socket socket = socket(port);
        socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
        assertThat(readHead(socket)).startsWith("HTTP/1.1 200");

        // the same request to a server with http2=true switches protocols: the check above can fail
        server.close().await(10, TimeUnit.SECONDS);
        int h2 = serve(new GatewayTransport(Optional.empty(), 120, true, 0), 30_000);
        Socket upgraded = socket(h2);
        upgraded.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
        assertThat(readHead(upgraded)).startsWith("HTTP/1.1 101");
    }

    @Test
    void silentConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        int port = serve(new GatewayTransport(Optional.empty(), 1, false, 0), 30_000);
        Socket socket = socket(port);
        long start = System.nanoTime();
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(800L, 5_000L);
    }

    @Test
    void negativeSettingsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> new GatewayTransport(Optional.empty(), -1, false, 0))
                .hasMessageContaining("idleTimeoutSeconds=-1");
        assertThatThrownBy(() -> new GatewayTransport(Optional.empty(), 1, false, -5))
                .hasMessageContaining("maxConnections=-5");
        assertThatThrownBy(() -> new RequestTimeout(vertx, -1)).hasMessageContaining("requestTimeoutMs=-1");
    }

    private Socket socket(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    /** Sends {@code GET /ping} on a kept-alive connection and reads its answer ("" when the server closed it). */
    private static String exchange(Socket socket) throws IOException {
        socket.getOutputStream()
                .write("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket);
        if (head.isEmpty()) {
            return "";
        }
        byte[] body = socket.getInputStream().readNBytes(4); // "pong", content-length 4
        return head + new String(body, StandardCharsets.US_ASCII);
    }

    /** @return the status line and headers, or "" when the connection closed first */
    private static String readHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String readUntilClosed(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
