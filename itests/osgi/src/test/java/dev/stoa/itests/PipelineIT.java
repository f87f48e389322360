package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Pipelines from etc/pipelines/: the shipped example waits for its service and serves once it is deployed; a
 * pipeline file is reloaded 5 times under load without losing a request; a broken edit leaves the last good version
 * serving and is reported with line and field.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PipelineIT extends StoaTestSupport {

    private static final int RELOADS = 5;

    @Override
    protected void buildBundles(Path dir) throws IOException {
        TestBundles.echo(dir, "shout", "1.0.0");
    }

    @Test
    public void pipelinesWaitServeReloadAndSurviveBrokenEdits() throws Exception {
        Vertx vertx = service(Vertx.class);
        PipelineDirectory pipelines = service(PipelineDirectory.class);
        Path folder = Path.of(context.getProperty("felix.fileinstall.dir"), "pipelines");

        await("shipped example listed as waiting for 'shout'", () -> state(pipelines, "shout-chorus").equals("waiting"));
        deploy(builtBundles().resolve("shout-1.0.0.jar"), "shout.jar");
        await("shipped example serving", () -> state(pipelines, "shout-chorus").equals("serving"));

        JsonObject answer = (JsonObject) vertx.eventBus().request("stoa.pipeline.shout-chorus", new Text("hi"))
                .await().body();
        assertEquals("1.0.0:hi! 1.0.0:hi! (you said: hi)", answer.getString("text"));
        HttpResponse<String> http = httpPost("/v1/pipelines/shout-chorus", "{\"text\": \"web\", \"_trace\": true}");
        assertEquals(http.body(), 200, http.statusCode());
        JsonObject traced = new JsonObject(http.body());
        assertEquals("1.0.0:web! 1.0.0:web! (you said: web)", traced.getString("text"));
        assertEquals(2, traced.getJsonObject("_trace").getJsonArray("stages").size());

        assertTrue(http("/metrics").body().contains(
                "stoa_pipeline_stage_total{pipeline=\"shout-chorus\",stage=\"loud\",outcome=\"ok\"} 2"));

        Path relay = folder.resolve("relay.yaml");
        write(relay, relayVersion(0));
        await("relay serving", () -> state(pipelines, "relay").equals("serving"));
        ClosedLoopLoad load = new ClosedLoopLoad(vertx, "stoa.pipeline.relay",
                text -> new JsonObject().put("text", text));
        load.start(8);
        for (int v = 1; v <= RELOADS; v++) {
            String marker = "v" + v;
            long start = System.nanoTime();
            write(relay, relayVersion(v));
            await("answers from " + marker, () -> load.versions.containsKey(marker));
            System.out.printf("[measure] pipeline reload %d: first answer from %s after %d ms%n", v, marker,
                    (System.nanoTime() - start) / 1_000_000);
        }

        write(relay, "stages:\n  loud:\n    call: shout\n    tiemout: 5s\n");
        await("broken edit reported", () -> state(pipelines, "relay").equals("invalid"));
        PipelineInfo broken = info(pipelines, "relay");
        assertTrue(broken.errors().toString(), broken.errors().get(0).contains(
                "pipelines/relay.yaml:4: stages.loud.tiemout: is not a known field; did you mean 'timeout'?"));
        long answeredBefore = load.ok.get();
        await("the last good version keeps answering", () -> load.ok.get() > answeredBefore + 50);
        load.stopAndWait();

        System.out.printf("[measure] pipeline reloads: %d calls sent, %d answered, %d failed, max latency %d ms%n",
                load.sent.get(), load.ok.get(), load.failed.size(), load.maxLatencyMs.get());
        assertEquals("failed calls: " + load.failed, 0, load.failed.size());
        assertEquals(load.sent.get(), load.ok.get());
        assertEquals("every version served", RELOADS + 1, load.versions.size());
        assertTrue("/v1/pipelines lists it", http("/v1/pipelines").body().contains("did you mean 'timeout'"));

        Files.delete(relay);
        await("relay gone", () -> info(pipelines, "relay") == null);
    }

    private static String relayVersion(int v) {
        return "input: Text\nstages:\n  loud:\n    call: shout\n  out:\n    template: \"v" + v + ": {{loud.text}}\"\n";
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static PipelineInfo info(PipelineDirectory pipelines, String name) {
        return pipelines.pipelines().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private static String state(PipelineDirectory pipelines, String name) {
        PipelineInfo i = info(pipelines, name);
        return i == null ? "absent" : i.state();
    }
}
