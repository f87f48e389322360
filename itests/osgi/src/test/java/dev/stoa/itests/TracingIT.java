package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Tracing in the real distribution: off by default (no {@link Tracing} service), on once
 * {@code etc/dev.stoa.tracing.cfg} names a collector; a pipeline called over HTTP and over the TCP bridge with a W3C
 * {@code traceparent} reaches the collector as OTLP spans of that trace: the pipeline's, one per stage, and the
 * stages' service calls. A Vert.x HTTP server stands in for the collector.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TracingIT extends StoaTestSupport {

    private static final String HTTP_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String BRIDGE_TRACE = "0af7651916cd43dd8448eb211c80319c";

    @Override
    protected void buildBundles(Path dir) throws IOException {
        TestBundles.echo(dir, "open", "1.0.0");
    }

    @Test
    public void pipelineCallsOverHttpAndTheBridgeAreTracedToTheCollector() throws Exception {
        Bundle tracingBundle = platformBundle("dev.stoa.tracing");
        assertEquals("dev.stoa.tracing is active", Bundle.ACTIVE, tracingBundle.getState());
        assertNull("tracing is off by default", context.getServiceReference(Tracing.class));

        ServiceDirectory directory = service(ServiceDirectory.class);
        deploy(builtBundles().resolve("open-1.0.0.jar"), "open.jar");
        await(
                "echo service up",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals("open") && s.state().equals("available")));
        PipelineDirectory pipelines = service(PipelineDirectory.class);
        Path folder = Path.of(context.getProperty("felix.fileinstall.dir"), "pipelines");
        Files.writeString(
                folder.resolve("relay.yaml"),
                "input: Text\nstages:\n  first:\n    call: open\n  second:\n    call: open\n    input: $first\n"
                        + "output: $second\n");
        await(
                "relay serving",
                () -> pipelines.pipelines().stream()
                        .filter(p -> p.name().equals("relay"))
                        .map(PipelineInfo::state)
                        .anyMatch("serving"::equals));

        Vertx vertx = service(Vertx.class);
        List<Buffer> exported = new CopyOnWriteArrayList<>();
        HttpServer collector = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(b -> {
                    if (req.path().equals("/v1/traces")) {
                        exported.add(b);
                    }
                    req.response()
                            .putHeader("content-type", "application/x-protobuf")
                            .end();
                }))
                .listen(0, "127.0.0.1")
                .await();
        try {
            Configuration tracing = service(ConfigurationAdmin.class).getConfiguration("dev.stoa.tracing", "?");
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("endpoint", "http://127.0.0.1:" + collector.actualPort());
            props.put("serviceName", "stoa-itest");
            tracing.update(props);
            await("tracing on", () -> context.getServiceReference(Tracing.class) != null);

            // over HTTP, the traceparent header
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/pipelines/relay"))
                                    .header("traceparent", "00-" + HTTP_TRACE + "-00f067aa0ba902b7-01")
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"traced\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(answer.body(), 200, answer.statusCode());
            assertEquals("1.0.0:1.0.0:traced", new JsonObject(answer.body()).getString("text"));

            // over the TCP bridge, the frame's headers
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Configuration bridge = service(ConfigurationAdmin.class).getConfiguration("dev.stoa.bridge", "?");
            Hashtable<String, Object> bridgeProps = new Hashtable<>();
            bridgeProps.put("permitted", new String[] {"stoa\\.pipeline\\.relay"});
            bridgeProps.put("port", port);
            bridge.update(bridgeProps);
            int bridgePort = port;
            await("bridge listening", () -> {
                try (Socket s = new Socket("127.0.0.1", bridgePort)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                byte[] frame = new JsonObject()
                        .put("type", "send")
                        .put("address", "stoa.pipeline.relay")
                        .put("replyAddress", "r-1")
                        .put(
                                "headers",
                                new JsonObject().put("traceparent", "00-" + BRIDGE_TRACE + "-b7ad6b7169203331-01"))
                        .put("body", new JsonObject().put("text", "bridged"))
                        .encode()
                        .getBytes(StandardCharsets.UTF_8);
                out.writeInt(frame.length);
                out.write(frame);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] reply = new byte[in.readInt()];
                in.readFully(reply);
                JsonObject r = new JsonObject(new String(reply, StandardCharsets.UTF_8));
                assertEquals(
                        r.encode(),
                        "1.0.0:1.0.0:bridged",
                        r.getJsonObject("body").getString("text"));
            }

            // OTLP protobuf carries trace ids as their 16 bytes and names as UTF-8
            for (String trace : List.of(HTTP_TRACE, BRIDGE_TRACE)) {
                String id = new String(HexFormat.of().parseHex(trace), StandardCharsets.ISO_8859_1);
                await("spans of trace " + trace + " exported", () -> {
                    String all = wire(exported);
                    return all.contains(id)
                            && all.contains("pipeline relay")
                            && all.contains("stage first")
                            && all.contains("stage second")
                            && all.contains("stoa-itest");
                });
            }
            String all = wire(exported);
            for (String attribute : List.of(
                    Tracing.SERVICE_ID, Tracing.SERVICE_KIND, Tracing.OUTCOME, Tracing.PIPELINE, Tracing.STAGE)) {
                assertEquals(attribute + " on the spans", true, all.contains(attribute));
            }
        } finally {
            collector.close().await();
        }
    }

    private static String wire(List<Buffer> exported) {
        StringBuilder all = new StringBuilder();
        exported.forEach(b -> all.append(b.toString(StandardCharsets.ISO_8859_1)));
        return all.toString();
    }
}
