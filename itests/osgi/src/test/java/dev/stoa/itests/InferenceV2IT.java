package dev.stoa.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The Open Inference Protocol v2 on the real distribution: a tiny ONNX model served from a folder
 * ({@link TinyOnnxModel}, {@code Y = X W + B}), the shipped MiniLM encoder and CLIP's (untrained) towers, reached over
 * REST (requests in the protocol's own JSON and binary forms) and over gRPC by a client generated from the same
 * grpc_predict_v2.proto, which calls every RPC. Answers equal {@code POST /v1/services/...} and plain Java; bad input
 * is a 4xx (REST) or INVALID_ARGUMENT (gRPC) naming the field; the caller's traceparent reaches the bus call.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InferenceV2IT extends StoaTestSupport {

    private static final float[] X = {0.5f, -1f, 2f};
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Override
    @Configuration // not inherited: Pax Exam reads the annotation of the overriding method
    public Option[] config() throws IOException {
        Option[] options = super.config();
        Path work = Path.of(System.getProperty("stoa.itest.work"))
                .resolve(getClass().getSimpleName());
        TinyOnnxModel.write(work.resolve("tiny-model/tiny.onnx"));
        Files.writeString(
                work.resolve("etc/dev.stoa.onnxruntime.model-tiny.cfg"), "folder = tiny-model\nstoa.id = tiny\n");
        int grpcPort;
        try (ServerSocket s = new ServerSocket(0)) {
            grpcPort = s.getLocalPort();
        }
        Files.writeString(work.resolve("etc/dev.stoa.v2.cfg"), "grpcEnabled = true\ngrpcPort = " + grpcPort + "\n");
        List<Option> all = new ArrayList<>(Arrays.asList(options));
        all.add(systemProperty("stoa.itest.grpc.port").value(Integer.toString(grpcPort)));
        // the client's gRPC, there from the start: this class's gRPC types resolve through the probe's dynamic imports
        all.add(bundle(work.resolve("bundles/grpc-client.jar").toUri().toString()));
        return all.toArray(Option[]::new);
    }

    @Override
    protected void buildBundles(Path dir) throws IOException {
        GrpcClientBundle.write(dir.resolve("grpc-client.jar"));
    }

    private void awaitTiny() throws InterruptedException {
        ServiceDirectory directory = service(ServiceDirectory.class);
        await(
                "tiny exported",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals("tiny") && "available".equals(s.state())));
        await("the v2 front mounted", () -> status("/v2/health/live") == 200);
    }

    // ---- REST ----

    @Test
    public void serverAndModelMetadataHealthAndReadiness() throws Exception {
        awaitTiny();
        JsonObject server = new JsonObject(http("/v2/").body());
        assertEquals("stoa", server.getString("name"));
        assertTrue(server.encode(), server.getJsonArray("extensions").contains("binary_tensor_data"));
        assertEquals(200, status("/v2/health/ready"));

        HttpResponse<String> meta = http("/v2/models/tiny");
        assertEquals(meta.body(), 200, meta.statusCode());
        JsonObject m = new JsonObject(meta.body());
        assertEquals("onnxruntime_onnx", m.getString("platform"));
        assertEquals(
                new JsonObject("{\"name\": \"X\", \"datatype\": \"FP32\", \"shape\": [1, 3]}"),
                m.getJsonArray("inputs").getJsonObject(0));
        assertEquals(
                new JsonObject("{\"name\": \"Y\", \"datatype\": \"FP32\", \"shape\": [1, 2]}"),
                m.getJsonArray("outputs").getJsonObject(0));
        assertEquals(
                m,
                new JsonObject(http("/v2/models/tiny/versions/"
                                + m.getJsonArray("versions").getString(0))
                        .body()));

        HttpResponse<String> ready = http("/v2/models/tiny/ready");
        assertEquals(200, ready.statusCode());
        assertTrue(new JsonObject(ready.body()).getBoolean("ready"));

        HttpResponse<String> unknown = http("/v2/models/no-such-model");
        assertEquals(404, unknown.statusCode());
        assertTrue(
                unknown.body(),
                new JsonObject(unknown.body()).getString("error").contains("no-such-model"));
        assertEquals(404, status("/v2/models/tiny/versions/99"));
    }

    @Test
    public void jsonAndBinaryInferenceEqualThePlatformsOwnCall() throws Exception {
        awaitTiny();
        float[] expected = TinyOnnxModel.expected(X);
        // the platform's own door
        HttpResponse<String> v1 = httpPost(
                "/v1/services/tiny",
                new JsonObject()
                        .put(
                                "inputs",
                                new JsonObject()
                                        .put(
                                                "X",
                                                new JsonObject()
                                                        .put(
                                                                "shape",
                                                                new JsonArray()
                                                                        .add(1)
                                                                        .add(3))
                                                        .put("data", floats(X))))
                        .encode());
        assertEquals(v1.body(), 200, v1.statusCode());
        float[] viaV1 = toFloats(new JsonObject(v1.body())
                .getJsonObject("outputs")
                .getJsonObject("Y")
                .getJsonArray("data"));
        assertArrayEquals(expected, viaV1, 1e-5f);

        Map<String, String> seen = traceSeenOnTheBus();
        // the protocol's JSON form, with an id and a requested output
        String json = "{\"id\": \"42\", \"inputs\": [{\"name\": \"X\", \"shape\": [1, 3], \"datatype\": \"FP32\","
                + " \"data\": [[0.5, -1.0, 2.0]]}], \"outputs\": [{\"name\": \"Y\"}]}";
        HttpResponse<byte[]> r = post(
                "/v2/models/tiny/infer", json.getBytes(StandardCharsets.UTF_8), Map.of("traceparent", TRACEPARENT));
        assertEquals(new String(r.body()), 200, r.statusCode());
        JsonObject answer = new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("42", answer.getString("id"));
        assertEquals("tiny", answer.getString("model_name"));
        JsonObject y = answer.getJsonArray("outputs").getJsonObject(0);
        assertEquals("Y", y.getString("name"));
        assertEquals("FP32", y.getString("datatype"));
        assertEquals(new JsonArray().add(1).add(2), y.getJsonArray("shape"));
        assertArrayEquals(viaV1, toFloats(y.getJsonArray("data")), 0f);
        assertEquals(TRACEPARENT, seen.get("traceparent"));

        // Triton's binary tensor data extension: the input after the JSON, the output asked for in binary
        String header = "{\"inputs\": [{\"name\": \"X\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"parameters\":"
                + " {\"binary_data_size\": 12}}], \"outputs\": [{\"name\": \"Y\", \"parameters\": {\"binary_data\":"
                + " true}}]}";
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(head.length + 12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(head);
        for (float v : X) {
            body.putFloat(v);
        }
        HttpResponse<byte[]> b = post(
                "/v2/models/tiny/infer",
                body.array(),
                Map.of(
                        "Inference-Header-Content-Length",
                        Integer.toString(head.length),
                        "Content-Type",
                        "application/octet-stream"));
        assertEquals(new String(b.body()), 200, b.statusCode());
        int jsonLength = Integer.parseInt(
                b.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonObject bHead = new JsonObject(new String(b.body(), 0, jsonLength, StandardCharsets.UTF_8));
        JsonObject bY = bHead.getJsonArray("outputs").getJsonObject(0);
        assertEquals(8, (int) bY.getJsonObject("parameters").getInteger("binary_data_size"));
        assertFalse(bY.containsKey("data"));
        ByteBuffer tail = ByteBuffer.wrap(b.body(), jsonLength, b.body().length - jsonLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8, tail.remaining());
        assertArrayEquals(viaV1, new float[] {tail.getFloat(), tail.getFloat()}, 0f);
    }

    @Test
    public void badRequestsAreFourHundredsNamingTheField() throws Exception {
        awaitTiny();
        assertError(
                400,
                "'inputs[0].datatype'",
                post(
                        "/v2/models/tiny/infer",
                        bytes(
                                "{\"inputs\": [{\"name\": \"X\", \"shape\": [1, 3], \"datatype\": \"INT64\", \"data\": [1, 2, 3]}]}")));
        assertError(
                400,
                "'inputs[0].shape'",
                post(
                        "/v2/models/tiny/infer",
                        bytes(
                                "{\"inputs\": [{\"name\": \"X\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}")));
        assertError(
                400,
                "'inputs[0].data'",
                post(
                        "/v2/models/tiny/infer",
                        bytes(
                                "{\"inputs\": [{\"name\": \"X\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [1, 2]}]}")));
        assertError(
                400,
                "'inputs[0].name'",
                post(
                        "/v2/models/tiny/infer",
                        bytes(
                                "{\"inputs\": [{\"name\": \"Z\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}]}")));
        assertError(
                400,
                "'outputs[0].name'",
                post(
                        "/v2/models/tiny/infer",
                        bytes(
                                "{\"inputs\": [{\"name\": \"X\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}],"
                                        + " \"outputs\": [{\"name\": \"nope\"}]}")));
        assertError(400, "'body'", post("/v2/models/tiny/infer", bytes("{not json")));
        assertError(
                400,
                "binary_data_size",
                post(
                        "/v2/models/tiny/infer",
                        bytes(
                                "{\"inputs\": [{\"name\": \"X\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"parameters\":"
                                        + " {\"binary_data_size\": 12}}]}")));
        assertError(
                404,
                "no-such-model",
                post(
                        "/v2/models/no-such-model/infer",
                        bytes(
                                "{\"inputs\": [{\"name\": \"X\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}")));
        assertError(404, "no v2 route", post("/v2/nothing-here", bytes("{}")));
    }

    @Test
    public void encodersAndClipAreModelsToo() throws Exception {
        awaitTiny();
        ServiceDirectory directory = service(ServiceDirectory.class);
        await(
                "all-minilm-l6-v2 and clip-tiny-image exported",
                () -> directory.services().stream()
                                .filter(s -> s.id().equals("all-minilm-l6-v2") || s.id().equals("clip-tiny-image"))
                                .count()
                        == 2);
        JsonObject minilm = new JsonObject(http("/v2/models/all-minilm-l6-v2").body());
        assertEquals(
                new JsonObject("{\"name\": \"text\", \"datatype\": \"BYTES\", \"shape\": [-1]}"),
                minilm.getJsonArray("inputs").getJsonObject(0));
        assertEquals(
                new JsonObject("{\"name\": \"embedding\", \"datatype\": \"FP32\", \"shape\": [-1, 384]}"),
                minilm.getJsonArray("outputs").getJsonObject(0));
        HttpResponse<byte[]> r = post(
                "/v2/models/all-minilm-l6-v2/infer",
                bytes("{\"inputs\": [{\"name\": \"text\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\":"
                        + " [\"A man is playing a guitar.\", \"hello\"]}]}"));
        assertEquals(new String(r.body()), 200, r.statusCode());
        JsonObject out = new JsonObject(new String(r.body(), StandardCharsets.UTF_8))
                .getJsonArray("outputs")
                .getJsonObject(0);
        assertEquals(new JsonArray().add(2).add(384), out.getJsonArray("shape"));
        float[] both = toFloats(out.getJsonArray("data"));
        for (int i = 0; i < 2; i++) {
            String text = i == 0 ? "A man is playing a guitar." : "hello";
            float[] v1 = toFloats(new JsonObject(httpPost(
                                    "/v1/services/all-minilm-l6-v2",
                                    new JsonObject().put("text", text).encode())
                            .body())
                    .getJsonArray("embedding"));
            assertArrayEquals(text, v1, Arrays.copyOfRange(both, i * 384, (i + 1) * 384), 1e-6f);
        }

        JsonObject clip = new JsonObject(http("/v2/models/clip-tiny-image").body());
        assertEquals(
                new JsonObject("{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [-1]}"),
                clip.getJsonArray("inputs").getJsonObject(0));
        assertEquals("FP32", clip.getJsonArray("outputs").getJsonObject(0).getString("datatype"));
        // untrained: listed, described, not ready, and a call says why (503 UNTRAINED, not a 500)
        assertEquals(400, status("/v2/models/clip-tiny-image/ready"));
        assertEquals(
                new JsonObject("{\"name\": \"clip-tiny-image\", \"ready\": false}"),
                new JsonObject(http("/v2/models/clip-tiny-image/ready").body()));
    }

    @Test
    public void theRepositoryExtensionWantsTheAdminScope() throws Exception {
        awaitTiny();
        // the anonymous loopback client may call, not manage: 403; an unknown key: 401 from the gateway's checks
        assertEquals(403, post("/v2/repository/index", new byte[0]).statusCode());
        assertEquals(
                401,
                post("/v2/repository/index", new byte[0], Map.of("Authorization", "Bearer wrong"))
                        .statusCode());
        // clip-tiny's provider may register after tiny is exported (a loaded CI machine): wait for it, bounded
        await("tiny and clip-tiny in the repository index", () -> {
            try {
                List<String> listed = repositoryIndexNames();
                return listed.contains("tiny") && listed.contains("clip-tiny");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> names = repositoryIndexNames();
        assertTrue(names.toString(), names.contains("tiny") && names.contains("clip-tiny"));
        HttpResponse<byte[]> unknown = post(
                "/v2/repository/models/no-such-model/load",
                new byte[0],
                Map.of("Authorization", "Bearer " + adminKey()));
        assertEquals(new String(unknown.body()), 404, unknown.statusCode());
    }

    private List<String> repositoryIndexNames() throws Exception {
        HttpResponse<byte[]> index =
                post("/v2/repository/index", new byte[0], Map.of("Authorization", "Bearer " + adminKey()));
        assertEquals(new String(index.body()), 200, index.statusCode());
        JsonArray models = new JsonArray(new String(index.body(), StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            names.add(models.getJsonObject(i).getString("name"));
        }
        return names;
    }

    // ---- gRPC ----

    @Test
    public void grpcClientCallsEveryRpc() throws Exception {
        awaitTiny();
        Bundle client = null;
        for (Bundle b : context.getBundles()) {
            if ("dev.stoa.itests.grpc-client".equals(b.getSymbolicName())) {
                client = b;
            }
        }
        assertTrue("the gRPC client bundle is not installed", client != null);
        float[] viaV1 = toFloats(new JsonObject(httpPost(
                                "/v1/services/tiny",
                                "{\"inputs\": {\"X\": {\"shape\": [1, 3], \"data\": [0.5, -1, 2]}}}")
                        .body())
                .getJsonObject("outputs")
                .getJsonObject("Y")
                .getJsonArray("data"));
        Map<String, String> trace = traceSeenOnTheBus();
        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) client.loadClass("dev.stoa.itests.v2grpc.GrpcCalls")
                .getMethod("callEveryRpc", int.class, String.class, float[].class)
                .invoke(null, Integer.parseInt(System.getProperty("stoa.itest.grpc.port")), TRACEPARENT, X);
        System.out.println("[report] gRPC answers: " + seen);
        assertEquals(true, seen.get("live"));
        assertEquals(true, seen.get("ready"));
        assertEquals("stoa", seen.get("serverName"));
        assertEquals(true, seen.get("modelReady"));
        assertEquals("X:FP32[1, 3]", seen.get("input"));
        assertEquals("Y:FP32[1, 2]", seen.get("output"));
        assertEquals("7", seen.get("typedId"));
        assertEquals("Y[1, 2]", seen.get("typedOutput"));
        assertArrayEquals(viaV1, (float[]) seen.get("typed"), 0f);
        assertArrayEquals(viaV1, (float[]) seen.get("raw"), 0f);
        assertArrayEquals(TinyOnnxModel.expected(X), (float[]) seen.get("raw"), 1e-5f);
        assertTrue(
                String.valueOf(seen.get("wrongDatatype")),
                String.valueOf(seen.get("wrongDatatype"))
                        .startsWith("INVALID_ARGUMENT BAD_INPUT: 'inputs[0].datatype'"));
        assertTrue(
                String.valueOf(seen.get("unknownModel")),
                String.valueOf(seen.get("unknownModel")).startsWith("NOT_FOUND UNKNOWN_SERVICE"));
        assertEquals(TRACEPARENT, trace.get("traceparent"));
    }

    // ---- helpers ----

    /** @return the trace headers of the latest call to stoa.model.tiny, as the bus delivers it */
    private Map<String, String> traceSeenOnTheBus() throws InterruptedException {
        Map<String, String> seen = new ConcurrentHashMap<>();
        Vertx vertx = service(Vertx.class);
        Handler<DeliveryContext<Object>> interceptor = dc -> {
            if ("stoa.model.tiny".equals(dc.message().address())) {
                String tp = dc.message().headers().get("traceparent");
                if (tp != null) {
                    seen.put("traceparent", tp);
                }
            }
            dc.next();
        };
        vertx.eventBus().addInboundInterceptor(interceptor);
        return seen;
    }

    private static void assertError(int status, String mention, HttpResponse<byte[]> r) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(body, status, r.statusCode());
        String error = new JsonObject(body).getString("error");
        assertTrue(body, error != null && error.contains(mention));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
        return post(path, body, Map.of());
    }

    private HttpResponse<byte[]> post(String path, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonArray floats(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    private static float[] toFloats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getNumber(i).floatValue();
        }
        return out;
    }
}
