package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.DeploymentReport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Broken jars dropped into deploy/ (not a bundle, invalid manifest, missing import, activator that throws, component
 * that throws) are each reported in /v1/bundles with the reason, and the platform keeps serving everything else.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BrokenBundleIT extends StoaTestSupport {

    @Override
    protected void buildBundles(Path dir) throws IOException {
        TestBundles.echo(dir, "survivor", "1.0.0");
        TestBundles.plainJar(dir);
        TestBundles.badManifest(dir);
        TestBundles.missingImport(dir);
        TestBundles.throwingActivator(dir);
        TestBundles.failingComponent(dir);
    }

    @Test
    public void brokenBundlesAreReportedWithTheirReasonAndTheRestServes() throws Exception {
        Vertx vertx = service(Vertx.class);
        DeploymentReport report = service(DeploymentReport.class);
        deploy(builtBundles().resolve("survivor-1.0.0.jar"), "survivor.jar");
        for (String broken : new String[] {
            "plain-library.jar",
            "bad-manifest.jar",
            "missing-import.jar",
            "throwing-activator.jar",
            "failing-component.jar"
        }) {
            deploy(builtBundles().resolve(broken), broken);
        }
        await("all six files handled", () -> report.artifacts().size() == 6);
        await("gateway listening", () -> status("/health/live") == 200);

        // SCR activates the component after the bundle has started: wait for its failure to be recorded
        await("failing component reported", () -> {
            try {
                JsonObject e =
                        PlatformIT.find(new JsonArray(http("/v1/bundles").body()), "file", "failing-component.jar");
                return e != null && e.getString("problem") != null;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        JsonArray bundles = new JsonArray(http("/v1/bundles").body());
        System.out.println("[report] /v1/bundles problems:");
        for (int i = 0; i < bundles.size(); i++) {
            JsonObject b = bundles.getJsonObject(i);
            if (b.getString("problem") != null) {
                System.out.println(
                        "  " + b.getString("file", b.getString("symbolicName")) + " -> " + b.getString("problem"));
            }
        }
        assertProblem(bundles, "plain-library.jar", "INSTALL_FAILED", "no Bundle-SymbolicName");
        assertProblem(bundles, "bad-manifest.jar", "INSTALL_FAILED", "could not be installed");
        assertProblem(bundles, "missing-import.jar", "INSTALLED", "com.example.not.there");
        assertProblem(bundles, "throwing-activator.jar", "RESOLVED", "activator refuses to start");
        assertProblem(bundles, "failing-component.jar", "ACTIVE", "component refuses to activate");

        Text answer = (Text) vertx.eventBus()
                .request("stoa.service.survivor", new Text("still here"))
                .await()
                .body();
        assertEquals("1.0.0:still here", answer.value());
        // readiness also waits for the shipped required services (sentence encoder, OCR), which load their models
        await("a broken user bundle does not make the platform unready", () -> status("/health/ready") == 200);
    }

    private static void assertProblem(JsonArray bundles, String file, String state, String reason) {
        JsonObject entry = PlatformIT.find(bundles, "file", file);
        assertNotNull(file + " is listed in /v1/bundles", entry);
        assertEquals(file + " state", state, entry.getString("state"));
        String problem = entry.getString("problem");
        assertNotNull(file + " has a problem", problem);
        assertTrue(file + ": '" + problem + "' names '" + reason + "'", problem.contains(reason));
    }
}
