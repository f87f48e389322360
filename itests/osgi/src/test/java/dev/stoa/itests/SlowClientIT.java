package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Slow and many clients against the real gateway, with its limits set low in {@code etc/dev.stoa.gateway.cfg}: a
 * request whose body stalls is answered 408 and closed; connections over {@code maxConnections} are closed while
 * the open ones keep being served; a silent connection is closed after {@code idleTimeoutSeconds}; an h2c upgrade is
 * answered as plain HTTP/1.1.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SlowClientIT extends StoaTestSupport {

    private static final int REQUEST_TIMEOUT_MS = 1_500;
    private static final int MAX_CONNECTIONS = 4;
    private static final int IDLE_SECONDS = 3;

    private final List<Socket> sockets = new ArrayList<>();

    @Override
    protected void buildBundles(Path dir) throws IOException {
        ItestConfig.append(
                dir,
                "dev.stoa.gateway",
                "requestTimeoutMs = " + REQUEST_TIMEOUT_MS,
                "maxConnections = " + MAX_CONNECTIONS,
                "idleTimeoutSeconds = " + IDLE_SECONDS);
    }

    @After
    public void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", Integer.parseInt(context.getProperty("stoa.http.port")));
        s.setSoTimeout(30_000);
        sockets.add(s);
        return s;
    }

    private void awaitGateway() throws InterruptedException {
        await("the gateway answering", () -> status("/health/live") == 200);
    }

    @Test
    public void aStalledBodyIsAnswered408WithinTheTimeoutAndClosed() throws Exception {
        awaitGateway();
        Socket socket = connect();
        long start = System.nanoTime();
        socket.getOutputStream()
                .write(("POST /v1/services/anything HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"text\": \"and then")
                        .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("[measure] gateway: stalled body answered "
                + answer.lines().findFirst().orElse("nothing") + " after " + ms + " ms (requestTimeoutMs "
                + REQUEST_TIMEOUT_MS + ")");
        assertTrue(answer, answer.startsWith("HTTP/1.1 408"));
        assertTrue(answer, answer.contains("REQUEST_TIMEOUT"));
        assertTrue("answered after " + ms + " ms", ms >= REQUEST_TIMEOUT_MS - 100 && ms < REQUEST_TIMEOUT_MS + 10_000);
        // and the server goes on serving
        assertEquals(200, status("/health/live"));
    }

    @Test
    public void connectionsOverTheCapAreRefusedWhileTheServerKeepsServing() throws Exception {
        awaitGateway();
        // the JDK client behind status() keeps its connections open, as may earlier tests' sockets: once the idle
        // timeout has closed them all, this test's connections are the only ones
        Thread.sleep(IDLE_SECONDS * 1000L + 2_000);
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            Socket s = connect();
            assertTrue(exchange(s).startsWith("HTTP/1.1 200"));
            open.add(s);
        }
        long start = System.nanoTime();
        String refused = exchange(connect());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println(
                "[measure] gateway: connection over maxConnections " + MAX_CONNECTIONS + " closed after " + ms + " ms");
        assertEquals("a connection over the cap gets no answer", "", refused);
        assertTrue("refused after " + ms + " ms", ms < 5_000);
        for (Socket s : open) {
            assertTrue("an open connection is still served", exchange(s).startsWith("HTTP/1.1 200"));
        }
        open.get(0).close();
        await("a new connection let in once one closed", () -> {
            try {
                return exchange(connect()).startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    public void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        awaitGateway();
        Socket socket = connect();
        long start = System.nanoTime();
        int read;
        try {
            read = socket.getInputStream().read();
        } catch (SocketException reset) {
            read = -1;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(-1, read);
        assertTrue("closed after " + ms + " ms", ms >= IDLE_SECONDS * 1000 - 500 && ms < IDLE_SECONDS * 1000 + 10_000);
    }

    @Test
    public void anH2cUpgradeIsAnsweredAsHttp11() throws Exception {
        awaitGateway();
        Socket socket = connect();
        socket.getOutputStream()
                .write(("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        String head = head(socket.getInputStream());
        assertTrue(head, head.startsWith("HTTP/1.1 200"));
    }

    /** Sends a GET on a kept-alive connection and reads the answer's head; "" when the server closed it. */
    private static String exchange(Socket socket) throws IOException {
        try {
            socket.getOutputStream()
                    .write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = head(socket.getInputStream());
            if (head.isEmpty()) {
                return "";
            }
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            socket.getInputStream().readNBytes(length);
            return head;
        } catch (SocketException reset) {
            return "";
        }
    }

    private static String head(InputStream in) throws IOException {
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
}
