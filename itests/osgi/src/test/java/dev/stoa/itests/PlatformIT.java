package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.stoa.api.FailureCode;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.DeploymentReport;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** The platform boots whole, answers over HTTP and the event bus, and picks up bundles from deploy/. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformIT extends StoaTestSupport {

    @Override
    protected void buildBundles(Path dir) throws IOException {
        TestBundles.echo(dir, "greeter", "1.0.0");
    }

    @Test
    public void everyBundleIsActive() throws Exception {
        service(ServiceDirectory.class);
        String inactive = Arrays.stream(context.getBundles())
                .filter(b -> b.getHeaders().get("Fragment-Host") == null)
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + "=" + b.getState())
                .collect(Collectors.joining(", "));
        assertEquals("bundles not ACTIVE", "", inactive);
        for (String bsn : new String[] {
            "dev.stoa.api",
            "dev.stoa.vertx",
            "dev.stoa.bus",
            "dev.stoa.gateway",
            "dev.stoa.deploy",
            "dev.stoa.djl",
            "dev.stoa.nn",
            "dev.stoa.losses",
            "dev.stoa.models.fusion",
            "dev.stoa.survey",
            "dev.stoa.models.simvlm",
            "dev.stoa.models.coca",
            "dev.stoa.models.merlot",
            "dev.stoa.models.vcgpt",
            "org.apache.felix.scr",
            "org.apache.felix.fileinstall"
        }) {
            assertEquals(bsn, Bundle.ACTIVE, platformBundle(bsn).getState());
        }
    }

    @Test
    public void healthAndListingsAnswerOverHttp() throws Exception {
        service(ServiceDirectory.class);
        service(DeploymentReport.class);
        await("gateway listening", () -> status("/health/live") == 200);
        await("/health/ready = 200", () -> status("/health/ready") == 200);
        JsonObject ready = new JsonObject(http("/health/ready").body());
        assertEquals("UP", ready.getString("status"));

        JsonArray bundles = new JsonArray(http("/v1/bundles").body());
        JsonObject gateway = find(bundles, "symbolicName", "dev.stoa.gateway");
        assertEquals("ACTIVE", gateway.getString("state"));
        assertTrue(gateway.getString("version").startsWith("0.1.0"));

        assertEquals(200, http("/v1/services").statusCode());
        assertEquals(404, http("/v1/nothing-here").statusCode());
        assertEquals(
                "GET /v1/nothing-here",
                "NOT_FOUND",
                new JsonObject(http("/v1/nothing-here").body()).getString("error"));
        everyDocumentedRouteExists();
        assertTrue(http("/v1/nothing-here").body().contains("/v1/services"));
    }

    @Test
    public void deployedBundleIsServedAndRemovedBundleIsGone() throws Exception {
        Vertx vertx = service(Vertx.class);
        service(DeploymentReport.class);
        await("gateway listening", () -> status("/health/live") == 200);

        long start = System.nanoTime();
        Path jar = deploy(builtBundles().resolve("greeter-1.0.0.jar"), "greeter.jar");
        await("greeter in /v1/services", () -> listed("/v1/services", "id", "greeter"));
        long appearedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("[measure] deployed bundle listed in /v1/services after " + appearedMs + " ms");

        Text reply = (Text) vertx.eventBus()
                .request("stoa.service.greeter", new Text("hello"))
                .await()
                .body();
        assertEquals("in-process call passes the object", "1.0.0:hello", reply.value());
        JsonObject json = (JsonObject) vertx.eventBus()
                .request("stoa.service.greeter", new JsonObject().put("text", "json"))
                .await()
                .body();
        assertEquals("external call speaks JSON", "1.0.0:json", json.getString("text"));

        HttpResponse<String> viaHttp = httpPost("/v1/services/greeter", "{\"text\": \"http\"}");
        assertEquals(viaHttp.body(), 200, viaHttp.statusCode());
        assertEquals("1.0.0:http", new JsonObject(viaHttp.body()).getString("text"));
        // curl -d without -H 'Content-Type: application/json' sends a form content type, which a web page can send
        // without a CORS preflight: refused with 415 naming the header, never read as JSON
        String large = "x".repeat(200_000);
        HttpResponse<String> asForm = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        withKey(java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(baseUrl() + "/v1/services/greeter")))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"text\": \"" + large + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(asForm.body(), 415, asForm.statusCode());
        assertTrue(asForm.body(), asForm.body().contains("Content-Type: application/json"));
        HttpResponse<String> largeJson = httpPost("/v1/services/greeter", "{\"text\": \"" + large + "\"}");
        assertEquals(200, largeJson.statusCode());
        assertEquals("1.0.0:" + large, new JsonObject(largeJson.body()).getString("text"));
        HttpResponse<String> typo = httpPost("/v1/services/greeter", "{\"txt\": \"typo\"}");
        assertEquals(400, typo.statusCode());
        assertEquals("BAD_INPUT", new JsonObject(typo.body()).getString("error"));
        assertEquals(400, httpPost("/v1/services/greeter", "not json").statusCode());
        String metrics = http("/metrics").body();
        java.util.regex.Matcher ok = java.util.regex.Pattern.compile(
                        "stoa_service_calls_total\\{id=\"greeter\",kind=\"service\",outcome=\"ok\"} (\\d+)")
                .matcher(metrics);
        assertTrue(metrics, ok.find());
        assertTrue("4 calls answered so far, metrics say " + ok.group(1), Long.parseLong(ok.group(1)) == 4);
        // the typo above reached the service and failed there: the latency histogram counts both outcomes
        assertTrue(
                metrics,
                metrics.contains(
                        "stoa_service_calls_total{id=\"greeter\",kind=\"service\"," + "outcome=\"failed\"} 1"));
        assertTrue(metrics, metrics.contains("stoa_service_latency_seconds_count{id=\"greeter\",kind=\"service\"} 5"));
        assertTrue(metrics, metrics.contains("# TYPE stoa_service_latency_seconds histogram"));
        HttpResponse<String> unknown = httpPost("/v1/services/nobody", "{}");
        assertEquals(404, unknown.statusCode());
        assertEquals("UNKNOWN_SERVICE", new JsonObject(unknown.body()).getString("error"));

        try {
            vertx.eventBus()
                    .request("stoa.service.greeter", new JsonObject().put("txt", "typo"))
                    .await();
            fail("a request without 'text' must fail");
        } catch (ReplyException e) {
            assertEquals(FailureCode.BAD_INPUT, FailureCode.of(e.failureCode()));
            assertTrue(e.getMessage(), e.getMessage().contains("text"));
        }

        start = System.nanoTime();
        Files.delete(jar);
        await(
                "greeter bundle gone from /v1/bundles",
                () -> !listed("/v1/bundles", "symbolicName", "dev.stoa.itests.echo.greeter"));
        long goneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("[measure] deleted bundle gone from /v1/bundles after " + goneMs + " ms");
        try {
            vertx.eventBus()
                    .request("stoa.service.greeter", new Text("anyone?"))
                    .await();
            fail("a removed service must not answer");
        } catch (ReplyException e) {
            assertEquals(e.getMessage(), FailureCode.SERVICE_GONE, FailureCode.of(e.failureCode()));
        }
        assertTrue("appeared within 10 s (was " + appearedMs + " ms)", appearedMs < 10_000);
        assertTrue("disappeared within 10 s (was " + goneMs + " ms)", goneMs < 10_000);
    }

    /** Each path and method of /openapi.json reaches a handler: none gets the router's own "no route" answer. */
    private void everyDocumentedRouteExists() throws Exception {
        JsonObject paths = new JsonObject(http("/openapi.json").body()).getJsonObject("paths");
        assertTrue("documents the calls", paths.containsKey("/v1/pipelines/{name}"));
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) {
                if (paths.getJsonObject(path).getJsonObject(method).encode().contains("{\"text/event-stream\":")) {
                    continue; // answers a stream that never ends (GET /v1/events): ConsoleDataIT reads it
                }
                String concrete = path.replaceAll("\\{[^}]+}", "x.jar");
                // with the admin key and a JSON body: the gateway's guard lets it through to the route
                java.net.http.HttpRequest request = withKey(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + concrete)))
                        .header("Content-Type", "application/json")
                        .method(method.toUpperCase(), java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                        .build();
                String body = client.send(request, HttpResponse.BodyHandlers.ofString())
                        .body();
                boolean noRoute = body.startsWith("{")
                        && new JsonObject(body).getString("message", "").startsWith("no route for");
                assertTrue(method + " " + path + " is documented but has no route: " + body, !noRoute);
            }
        }
    }

    private boolean listed(String path, String field, String value) {
        try {
            return find(new JsonArray(http(path).body()), field, value) != null;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return false;
        }
    }

    static JsonObject find(JsonArray array, String field, String value) {
        for (int i = 0; i < array.size(); i++) {
            JsonObject o = array.getJsonObject(i);
            if (value.equals(o.getString(field))) {
                return o;
            }
        }
        return null;
    }
}
