package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.Cancellation;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The TCP bridge against hostile clients, as shipped (default frame limit, 4 MiB) with a short idle timeout: a
 * frame declaring 1 GiB is refused from its length alone and the socket closed (the rest is never read); a client's
 * {@code stoa.stream} header never reaches the bus; a silent socket is closed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BridgeHardeningIT extends StoaTestSupport {

    private static final int IDLE_SECONDS = 2;

    @Override
    protected void buildBundles(Path dir) throws IOException {
        ItestConfig.append(
                dir,
                "dev.stoa.bridge",
                "permitted = test\\\\.bridge\\\\..*",
                "port = " + ItestConfig.freePort(),
                "idleTimeoutSeconds = " + IDLE_SECONDS);
    }

    private int port() throws Exception {
        int port = Integer.parseInt(ItestConfig.read(context.getProperty("stoa.home"), "dev.stoa.bridge", "port"));
        await("the bridge listening", () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return port;
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        return s;
    }

    @Test
    public void aOneGibFrameIsRefusedAndTheSocketClosedWithoutReadingIt() throws Exception {
        Vertx vertx = service(Vertx.class);
        vertx.eventBus().<JsonObject>consumer("test.bridge.echo", m -> m.reply(m.body()));
        int port = port();

        // the prefix alone: refused with a reason, then closed
        try (Socket socket = connect(port)) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.writeInt(1 << 30);
            out.flush();
            JsonObject refusal = BridgeFrames.read(in);
            assertEquals(refusal.encode(), "err", refusal.getString("type"));
            assertEquals("frame_too_large", refusal.getString("message"));
            assertTrue(BridgeFrames.closed(in));
        }

        // the prefix and a body streamed after it: the server stops reading, far short of what a client sends
        long target = 256L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        try (Socket socket = connect(port)) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(1 << 30);
            byte[] chunk = new byte[64 * 1024];
            long start = System.nanoTime();
            try {
                while (written.get() < target && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (SocketException expected) {
                // broken pipe or reset: the server closed the connection
            }
        }
        System.out.println("[measure] bridge: after a 1 GiB length prefix the client wrote " + written.get()
                + " bytes before the server closed the connection");
        assertTrue(
                "the client could write " + written.get() + " bytes before the server closed",
                written.get() < 64L * 1024 * 1024);

        // the bridge serves the next client
        try (Socket socket = connect(port)) {
            BridgeFrames.write(
                    new DataOutputStream(socket.getOutputStream()),
                    new JsonObject()
                            .put("type", "send")
                            .put("address", "test.bridge.echo")
                            .put("replyAddress", "r-1")
                            .put("body", new JsonObject().put("text", "after")));
            JsonObject reply = BridgeFrames.read(new DataInputStream(socket.getInputStream()));
            assertEquals("after", reply.getJsonObject("body").getString("text"));
        }
    }

    @Test
    public void aClientSetStoaStreamHeaderDoesNotReachTheService() throws Exception {
        Vertx vertx = service(Vertx.class);
        CompletableFuture<MultiMap> seen = new CompletableFuture<>();
        vertx.eventBus().<JsonObject>consumer("test.bridge.headers", m -> {
            seen.complete(m.headers());
            m.reply(new JsonObject().put("ok", true));
        });
        int port = port();
        try (Socket socket = connect(port)) {
            BridgeFrames.write(
                    new DataOutputStream(socket.getOutputStream()),
                    new JsonObject()
                            .put("type", "send")
                            .put("address", "test.bridge.headers")
                            .put("replyAddress", "r-1")
                            .put(
                                    "headers",
                                    new JsonObject()
                                            .put("stoa.stream", "stoa.service.not-permitted")
                                            .put(Cancellation.TOKEN_HEADER, "a-token-the-client-chose")
                                            .put(
                                                    "traceparent",
                                                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                            .put("body", new JsonObject().put("text", "hi")));
            JsonObject reply = BridgeFrames.read(new DataInputStream(socket.getInputStream()));
            assertTrue(reply.encode(), reply.getJsonObject("body").getBoolean("ok"));
        }
        MultiMap headers = seen.get(30, TimeUnit.SECONDS);
        assertNull("stoa.stream reached the bus", headers.get("stoa.stream"));
        // the only stoa.* header is the one the platform sets itself: the socket's cancel token, never the client's
        assertFalse(headers.names().stream()
                .anyMatch(n -> n.toLowerCase().startsWith("stoa.") && !n.equals(Cancellation.TOKEN_HEADER)));
        assertNotEquals("a-token-the-client-chose", headers.get(Cancellation.TOKEN_HEADER));
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", headers.get("traceparent"));
    }

    @Test
    public void aSilentSocketIsClosedAfterTheIdleTimeout() throws Exception {
        int port = port();
        try (Socket socket = connect(port)) {
            long start = System.nanoTime();
            assertTrue(BridgeFrames.closed(socket.getInputStream()));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(
                    "closed after " + ms + " ms", ms >= IDLE_SECONDS * 1000 - 500 && ms < IDLE_SECONDS * 1000 + 10_000);
        }
    }
}
