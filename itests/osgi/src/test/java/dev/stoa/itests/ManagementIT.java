package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Bundle management over HTTP: 403 for a loopback client without a key (call scope only), 401 with an unknown token;
 * with the managementToken (an admin credential) or the local admin key
 * a bundle is uploaded, replaced and deleted, and each step is reported with the deployer's verdict.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ManagementIT extends StoaTestSupport {

    private static final String TOKEN = "s3cret-token-for-tests";

    @Override
    protected void buildBundles(Path dir) throws IOException {
        TestBundles.echo(dir, "managed", "1.0.0");
        TestBundles.echo(dir, "managed", "2.0.0");
    }

    @Test
    public void bundlesAreManagedOnlyWithTheToken() throws Exception {
        ServiceDirectory directory = service(ServiceDirectory.class);
        await("gateway listening", () -> status("/health/live") == 200);
        Path v1 = builtBundles().resolve("managed-1.0.0.jar");

        // a loopback client without a key has at most the call scope (anonymousLoopback): management needs admin
        HttpResponse<String> off = send("POST", "/v1/bundles?file=managed.jar", v1, null);
        assertEquals(off.body(), 403, off.statusCode());
        assertTrue(off.body(), off.body().contains("needs the 'admin' scope"));
        assertEquals(
                401,
                send("POST", "/v1/bundles?file=managed.jar", v1, "anything").statusCode());

        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        Configuration gateway = cm.getConfiguration("dev.stoa.gateway", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("managementToken", TOKEN);
        gateway.update(props);
        // the managementToken is an admin credential: once the gateway has it, removing an absent jar answers 404
        await("management on", () -> {
            try {
                return send("DELETE", "/v1/bundles/absent.jar", null, TOKEN).statusCode() == 404;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        assertEquals(
                401, send("POST", "/v1/bundles?file=managed.jar", v1, "wrong").statusCode());
        assertEquals(
                400, send("POST", "/v1/bundles?file=../escape.jar", v1, TOKEN).statusCode());

        HttpResponse<String> created = send("POST", "/v1/bundles?file=managed.jar", v1, TOKEN);
        assertEquals(created.body(), 201, created.statusCode());
        assertEquals("ACTIVE", new JsonObject(created.body()).getString("status"));
        await("managed service 1.0.0", () -> version(directory).equals("1.0.0"));
        assertEquals(
                409, send("POST", "/v1/bundles?file=managed.jar", v1, TOKEN).statusCode());

        HttpResponse<String> replaced =
                send("PUT", "/v1/bundles/managed.jar", builtBundles().resolve("managed-2.0.0.jar"), TOKEN);
        assertEquals(replaced.body(), 200, replaced.statusCode());
        await("managed service 2.0.0", () -> version(directory).equals("2.0.0"));

        assertEquals(204, send("DELETE", "/v1/bundles/managed.jar", null, TOKEN).statusCode());
        assertTrue("the file is gone from deploy/", !Files.exists(deployDir().resolve("managed.jar")));
        await("managed service gone", () -> version(directory).equals("gone"));
        assertEquals(404, send("DELETE", "/v1/bundles/managed.jar", null, TOKEN).statusCode());
        // the local operator's admin key (bin/stoa's) manages bundles too
        assertEquals(
                404, send("DELETE", "/v1/bundles/managed.jar", null, adminKey()).statusCode());
    }

    private static String version(ServiceDirectory directory) {
        return directory.services().stream()
                .filter(s -> s.id().equals("managed"))
                .map(s -> s.state().equals("available") ? s.version() : s.state())
                .findFirst()
                .orElse("absent");
    }

    private HttpResponse<String> send(String method, String path, Path body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofFile(body))
                .header("Content-Type", "application/java-archive");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
