package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vert.x's TCP bridge put together as {@link EventBusBridge} does it (frames bounded by {@link BridgeSockets}, headers
 * filtered by {@link BridgeHeaderFilter}, server options from the bridge's settings), over real sockets.
 */
class BridgeHardeningTest {

    private static final int MAX_FRAME = 64 * 1024;

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Listens on a free port: found first, as the bridge API gives no actual port back. */
    private int bridgeOnFreePort(NetServerOptions options) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BridgeOptions permitted =
                new BridgeOptions().addInboundPermitted(new PermittedOptions().setAddressRegex("test\\..*"));
        TcpEventBusBridge.create(
                        BridgeSockets.limitingFrames(vertx, MAX_FRAME), permitted, options, new BridgeHeaderFilter())
                .listen(port, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        return port;
    }

    @Test
    void aFrameDeclaringOneGibIsRefusedAndTheSocketClosed() throws Exception {
        int port = bridgeOnFreePort(new NetServerOptions());
        vertx.eventBus().consumer("test.echo", m -> m.reply(m.body()));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());

            // a good frame first: the bridge works through the limit
            write(out, send("test.echo", "r-1", new JsonObject().put("text", "hi"), null));
            assertThat(read(in).getJsonObject("body").getString("text")).isEqualTo("hi");

            out.writeInt(1 << 30);
            out.write(new byte[16 * 1024]);
            out.flush();
            JsonObject refusal = read(in);
            assertThat(refusal.getString("type")).isEqualTo("err");
            assertThat(refusal.getString("message")).isEqualTo("frame_too_large");
            assertThat(refusal.getString("detail")).contains("1073741824").contains("maxFrameBytes");
            assertThat(closed(in)).isTrue();
        }
        // the bridge keeps serving other clients
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            write(
                    new DataOutputStream(socket.getOutputStream()),
                    send("test.echo", "r-2", new JsonObject().put("text", "still here"), null));
            assertThat(read(new DataInputStream(socket.getInputStream()))
                            .getJsonObject("body")
                            .getString("text"))
                    .isEqualTo("still here");
        }
    }

    @Test
    void aFrameJustOverTheLimitIsRefusedAndOneAtItPasses() throws Exception {
        int port = bridgeOnFreePort(new NetServerOptions());
        vertx.eventBus().consumer("test.echo", m -> m.reply(new JsonObject().put("ok", true)));
        JsonObject base = send("test.echo", "r", new JsonObject().put("pad", ""), null);
        int overhead = base.encode().getBytes(StandardCharsets.UTF_8).length;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            write(out, send("test.echo", "r", new JsonObject().put("pad", "x".repeat(MAX_FRAME - overhead)), null));
            assertThat(read(in).getJsonObject("body").getBoolean("ok")).isTrue();
            write(out, send("test.echo", "r", new JsonObject().put("pad", "x".repeat(MAX_FRAME - overhead + 1)), null));
            assertThat(read(in).getString("message")).isEqualTo("frame_too_large");
            assertThat(closed(in)).isTrue();
        }
    }

    @Test
    void clientSetStoaHeadersNeverReachTheBus() throws Exception {
        int port = bridgeOnFreePort(new NetServerOptions());
        CompletableFuture<MultiMap> seen = new CompletableFuture<>();
        vertx.eventBus().consumer("test.headers", m -> {
            seen.complete(m.headers());
            m.reply(new JsonObject());
        });
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            JsonObject headers = new JsonObject()
                    .put("stoa.stream", "stoa.service.secret")
                    .put("STOA.Anything", "x")
                    .put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                    .put("x-client", "kept");
            write(
                    new DataOutputStream(socket.getOutputStream()),
                    send("test.headers", "r-1", new JsonObject(), headers));
            read(new DataInputStream(socket.getInputStream()));
        }
        MultiMap headers = seen.get(10, TimeUnit.SECONDS);
        assertThat(headers.names()).noneMatch(n -> n.toLowerCase().startsWith("stoa."));
        assertThat(headers.get("traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(headers.get("x-client")).isEqualTo("kept");
    }

    @Test
    void headersThatAreNotAnObjectAreDropped() {
        JsonObject frame = new JsonObject().put("headers", "stoa.stream=x");
        assertThat(BridgeHeaderFilter.strip(frame)).isTrue();
        assertThat(frame.containsKey("headers")).isFalse();
        JsonObject clean = new JsonObject().put("headers", new JsonObject().put("a", "b"));
        assertThat(BridgeHeaderFilter.strip(clean)).isFalse();
        assertThat(clean.getJsonObject("headers").getString("a")).isEqualTo("b");
    }

    @Test
    void silentSocketsAreClosedAfterTheIdleTimeout() throws Exception {
        int port = bridgeOnFreePort(new NetServerOptions().setIdleTimeout(1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(800L, 5_000L);
        }
    }

    @Test
    void tlsFromPemFilesServesPingOverTls(@TempDir Path dir) throws Exception {
        TestTls tls = TestTls.make(dir);
        NetServerOptions options = new NetServerOptions()
                .setSsl(true)
                .setKeyCertOptions(
                        PemTls.keyCert(tls.cert().toString(), tls.key().toString(), null, "test")
                                .orElseThrow());
        int port = bridgeOnFreePort(options);
        try (SSLSocket socket = (SSLSocket) tls.trusting().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            write(new DataOutputStream(socket.getOutputStream()), new JsonObject().put("type", "ping"));
            assertThat(read(new DataInputStream(socket.getInputStream())).getString("type"))
                    .isEqualTo("pong");
        }
        // plain TCP to the TLS port gets no frame back
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            write(new DataOutputStream(socket.getOutputStream()), new JsonObject().put("type", "ping"));
            assertThat(closed(new DataInputStream(socket.getInputStream()))).isTrue();
        }
    }

    private static JsonObject send(String address, String replyAddress, JsonObject body, JsonObject headers) {
        JsonObject frame = new JsonObject()
                .put("type", "send")
                .put("address", address)
                .put("replyAddress", replyAddress)
                .put("body", body);
        if (headers != null) {
            frame.put("headers", headers);
        }
        return frame;
    }

    private static void write(DataOutputStream out, JsonObject frame) throws IOException {
        byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static JsonObject read(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    /** @return whether the server closed the connection (end of stream or reset) with nothing more to read */
    private static boolean closed(DataInputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }
}
