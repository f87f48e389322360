package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.generation.TokenListener;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.nn.decode.DecodeResult;
import dev.stoa.nn.decode.Decoding;
import dev.stoa.nn.decode.StepFunction;
import dev.stoa.nn.text.TextCodec;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A client that goes away cancels its call, in the real distribution: a generator decoding with the platform's
 * {@link Decoding} (one token per 40 ms step, counted) is called over plain HTTP, over server-sent events and over the
 * TCP bridge; the client closes its connection mid-generation, and the generator must compute at most one more token.
 * Without cancellation it would run all 400 steps (16 s).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CancellationIT extends StoaTestSupport {

    private static final int STEP_MS = 40;
    private static final int MAX_TOKENS = 400;

    /** A text generator on the platform's decoding loop over a model whose every step takes {@link #STEP_MS}. */
    static final class SlowGenerator implements TextGenerator {
        final AtomicInteger steps = new AtomicInteger();
        final CountDownLatch started = new CountDownLatch(5);
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile Throwable ended;

        @Override
        public Generation generate(GenerationRequest request, TokenListener listener) {
            StepFunction<long[]> model = new StepFunction<>() {
                @Override
                public long[] start(long[] prompt) {
                    return prompt.clone();
                }

                @Override
                public float[] logits(long[] state) {
                    steps.incrementAndGet();
                    started.countDown();
                    try {
                        Thread.sleep(STEP_MS); // a forward pass
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new float[] {-50f, 0f, -1f}; // never the end token (0): 'x' until max_tokens
                }

                @Override
                public long[] next(long[] state, long token) {
                    long[] out = Arrays.copyOf(state, state.length + 1);
                    out[state.length] = token;
                    return out;
                }

                @Override
                public int maxSequenceLength() {
                    return 10_000;
                }
            };
            TextCodec codec = new TextCodec() {
                @Override
                public long[] toIds(String text) {
                    return new long[text.length()];
                }

                @Override
                public String toText(long[] ids) {
                    StringBuilder s = new StringBuilder();
                    for (long id : ids) {
                        s.append(id == 1 ? 'x' : 'y');
                    }
                    return s.toString();
                }
            };
            try {
                DecodeResult r = new Decoding(0).generate(model, new long[] {2}, request.options(), codec, listener);
                return new Generation(r.text(), r.tokens().length, r.finishReason(), "slow", true);
            } catch (RuntimeException | Error e) {
                ended = e;
                throw e;
            } finally {
                stopped.countDown();
            }
        }
    }

    private SlowGenerator register(String id) throws Exception {
        SlowGenerator g = new SlowGenerator();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ServiceProperties.ID, id);
        props.put(ServiceProperties.KIND, "model");
        ServiceRegistration<?> r = context.registerService(
                new String[] {StoaService.class.getName(), TextGenerator.class.getName()}, g, props);
        ServiceDirectory directory = service(ServiceDirectory.class);
        await(
                id + " exported",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals(id) && s.state().equals("available")));
        assertTrue(r != null);
        return g;
    }

    private static String body() {
        return new JsonObject()
                .put("prompt", "go")
                .put("max_tokens", MAX_TOKENS)
                .encode();
    }

    /** After the client is gone: how many steps began, and that the generator stopped with CANCELLED. */
    private static void assertStoppedWithinOneToken(String door, SlowGenerator g, int atClose, long closedNanos)
            throws InterruptedException {
        assertTrue(door + ": the generator stops", g.stopped.await(10, TimeUnit.SECONDS));
        long stoppedMs = (System.nanoTime() - closedNanos) / 1_000_000;
        int after = g.steps.get() - atClose;
        System.out.printf(
                "[measure] %s: client closed after %d steps; %d more began; generator stopped %d ms later (%s)%n",
                door, atClose, after, stoppedMs, g.ended == null ? "ran to the end" : g.ended.getMessage());
        assertTrue(door + ": at most one token after the disconnect, got " + after, after <= 1);
        assertTrue(
                door + ": stopped by cancellation",
                g.ended != null && g.ended.getMessage().contains("cancelled"));
    }

    private Socket post(String path) throws IOException {
        Socket socket = new Socket("127.0.0.1", Integer.parseInt(context.getProperty("stoa.http.port")));
        byte[] payload = body().getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + payload.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
        out.flush();
        return socket;
    }

    @Test
    public void anHttpClientThatDisconnectsStopsTheGeneratorWithinOneToken() throws Exception {
        SlowGenerator g = register("cancel-http");
        Socket socket = post("/v1/services/cancel-http");
        assertTrue("generation started", g.started.await(30, TimeUnit.SECONDS));
        int atClose = g.steps.get();
        long closed = System.nanoTime();
        socket.close();
        assertStoppedWithinOneToken("HTTP", g, atClose, closed);
    }

    @Test
    public void anEventStreamClientThatDisconnectsStopsTheGeneratorWithinOneToken() throws Exception {
        SlowGenerator g = register("cancel-sse");
        Socket socket = post("/v1/services/cancel-sse?stream=true");
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        int tokens = 0;
        for (String line = in.readLine(); line != null && tokens < 3; line = in.readLine()) {
            if (line.equals("event: token")) {
                tokens++;
            }
        }
        assertEquals("three token events streamed before the client left", 3, tokens);
        int atClose = g.steps.get();
        long closed = System.nanoTime();
        socket.close();
        assertStoppedWithinOneToken("SSE", g, atClose, closed);
    }

    @Test
    public void aBridgeClientWhoseSocketClosesStopsTheGeneratorWithinOneToken() throws Exception {
        SlowGenerator g = register("cancel-bridge");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Configuration c = service(ConfigurationAdmin.class).getConfiguration("dev.stoa.bridge", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("permitted", new String[] {"stoa\\.model\\.cancel-bridge"});
        props.put("port", port);
        c.update(props);
        int bridgePort = port;
        await("bridge listening", () -> {
            try (Socket s = new Socket("127.0.0.1", bridgePort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        Socket socket = new Socket("127.0.0.1", port);
        byte[] frame = new JsonObject()
                .put("type", "send")
                .put("address", "stoa.model.cancel-bridge")
                .put("replyAddress", "r-1")
                .put("body", new JsonObject(body()))
                .encode()
                .getBytes(StandardCharsets.UTF_8);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
        assertTrue("generation started", g.started.await(30, TimeUnit.SECONDS));
        int atClose = g.steps.get();
        long closed = System.nanoTime();
        socket.close();
        assertStoppedWithinOneToken("bridge", g, atClose, closed);
    }
}
