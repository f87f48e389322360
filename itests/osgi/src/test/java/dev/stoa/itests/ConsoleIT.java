package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The web console as the distribution ships it: the {@code dev.stoa.console} bundle is active, the gateway mounts it
 * at {@code /console}, and its page and the scripts the page names come back with their types, caching and
 * same-origin policy, with no key. (The pages themselves are driven in a browser by the console's browser tests.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleIT extends StoaTestSupport {

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** GETs without a key and without following redirects, as a browser's first request. */
    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void theConsoleIsServedWithItsAssets() throws Exception {
        assertEquals(Bundle.ACTIVE, platformBundle("dev.stoa.console").getState());
        await("the console is mounted", () -> status("/console/") == 200);

        HttpResponse<String> index = get("/console/");
        assertEquals(200, index.statusCode());
        assertEquals(
                "text/html; charset=utf-8",
                index.headers().firstValue("content-type").orElse(""));
        assertEquals("no-cache", index.headers().firstValue("cache-control").orElse(""));
        assertTrue(
                index.headers().firstValue("content-security-policy").orElse("").contains("connect-src 'self'"));
        assertTrue(index.body(), index.body().contains("<title>Stoa console</title>"));

        // every script and stylesheet the page names is in the bundle, cached for good (its name carries its hash)
        Matcher assets = Pattern.compile("(?:src|href)=\"\\./(assets/[^\"]+)\"").matcher(index.body());
        int found = 0;
        while (assets.find()) {
            HttpResponse<String> asset = get("/console/" + assets.group(1));
            assertEquals(assets.group(1), 200, asset.statusCode());
            assertEquals(
                    "public, max-age=31536000, immutable",
                    asset.headers().firstValue("cache-control").orElse(""));
            assertTrue(asset.body().length() > 100);
            found++;
        }
        assertTrue("index.html names its script and stylesheet", found >= 2);

        assertEquals(301, get("/console").statusCode());
        assertEquals(
                "/console/", get("/console").headers().firstValue("location").orElse(""));
        HttpResponse<String> page = get("/console/pipelines");
        assertTrue("an app route gets the page", page.body().contains("<title>Stoa console</title>"));
        HttpResponse<String> missing = get("/console/assets/none-12345678.js");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body(), missing.body().contains("\"error\":\"NOT_FOUND\""));
        assertEquals(400, get("/console/etc.properties").statusCode());
    }
}
