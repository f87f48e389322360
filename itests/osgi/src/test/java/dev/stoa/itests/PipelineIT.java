package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Text;
import dev.stoa.api.pipeline.ComputedStage;
import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.Stage;
import dev.stoa.api.pipeline.StageKind;
import dev.stoa.api.pipeline.StageSpec;
import dev.stoa.api.pipeline.StageTypes;
import dev.stoa.api.pipeline.ValueType;
import dev.stoa.api.pipeline.Values;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

/**
 * Pipelines from etc/pipelines/: the shipped example waits for its service and serves once it is deployed; a
 * pipeline file is reloaded 5 times under load without losing a request; a broken edit leaves the last good version
 * serving and is reported with line and field; editing an included stage file reloads the pipelines that include it;
 * a stage kind registered as a service makes the files that use it load.
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

        await(
                "shipped example listed as waiting for 'shout'",
                () -> state(pipelines, "shout-chorus").equals("waiting"));
        deploy(builtBundles().resolve("shout-1.0.0.jar"), "shout.jar");
        await("shipped example serving", () -> state(pipelines, "shout-chorus").equals("serving"));

        JsonObject answer = (JsonObject) vertx.eventBus()
                .request("stoa.pipeline.shout-chorus", new Text("hi"))
                .await()
                .body();
        assertEquals("1.0.0:hi! 1.0.0:hi! (you said: hi)", answer.getString("text"));
        HttpResponse<String> http = httpPost("/v1/pipelines/shout-chorus", "{\"text\": \"web\", \"_trace\": true}");
        assertEquals(http.body(), 200, http.statusCode());
        JsonObject traced = new JsonObject(http.body());
        assertEquals("1.0.0:web! 1.0.0:web! (you said: web)", traced.getString("text"));
        assertEquals(2, traced.getJsonObject("_trace").getJsonArray("stages").size());

        assertTrue(http("/metrics")
                .body()
                .contains("stoa_pipeline_stage_total{pipeline=\"shout-chorus\",stage=\"loud\",outcome=\"ok\"} 2"));

        Path relay = folder.resolve("relay.yaml");
        write(relay, relayVersion(0));
        await("relay serving", () -> state(pipelines, "relay").equals("serving"));
        ClosedLoopLoad load =
                new ClosedLoopLoad(vertx, "stoa.pipeline.relay", text -> new JsonObject().put("text", text));
        load.start(8);
        for (int v = 1; v <= RELOADS; v++) {
            String marker = "v" + v;
            long start = System.nanoTime();
            write(relay, relayVersion(v));
            await("answers from " + marker, () -> load.versions.containsKey(marker));
            System.out.printf(
                    "[measure] pipeline reload %d: first answer from %s after %d ms%n",
                    v, marker, (System.nanoTime() - start) / 1_000_000);
        }

        write(relay, "stages:\n  loud:\n    call: shout\n    tiemout: 5s\n");
        await("broken edit reported", () -> state(pipelines, "relay").equals("invalid"));
        PipelineInfo broken = info(pipelines, "relay");
        assertTrue(
                broken.errors().toString(),
                broken.errors()
                        .get(0)
                        .contains(
                                "pipelines/relay.yaml:4: stages.loud.tiemout: is not a known field; did you mean 'timeout'?"));
        long answeredBefore = load.ok.get();
        await("the last good version keeps answering", () -> load.ok.get() > answeredBefore + 50);
        load.stopAndWait();

        System.out.printf(
                "[measure] pipeline reloads: %d calls sent, %d answered, %d failed, max latency %d ms%n",
                load.sent.get(), load.ok.get(), load.failed.size(), load.maxLatencyMs.get());
        assertEquals("failed calls: " + load.failed, 0, load.failed.size());
        assertEquals(load.sent.get(), load.ok.get());
        assertEquals("every version served", RELOADS + 1, load.versions.size());
        assertTrue("/v1/pipelines lists it", http("/v1/pipelines").body().contains("did you mean 'timeout'"));

        Files.delete(relay);
        await("relay gone", () -> info(pipelines, "relay") == null);
    }

    @Test
    public void editingAnIncludedStageFileReloadsThePipelinesThatIncludeIt() throws Exception {
        Vertx vertx = service(Vertx.class);
        PipelineDirectory pipelines = service(PipelineDirectory.class);
        Path folder = Path.of(context.getProperty("felix.fileinstall.dir"), "pipelines");
        Path shared = folder.resolve("greeting.stages.yaml");
        write(shared, "stages:\n  greet:\n    template: \"hello {{input.text}}\"\n");
        write(
                folder.resolve("greeter.yaml"),
                "input: Text\ninclude: [greeting.stages.yaml]\nstages:\n" + "  out: {template: \"{{greet.text}}!\"}\n");
        await("greeter serving", () -> state(pipelines, "greeter").equals("serving"));
        assertEquals("hello you!", ask(vertx, "greeter"));
        assertTrue("a stage file is not a pipeline", info(pipelines, "greeting.stages") == null);

        write(shared, "stages:\n  greet:\n    template: \"good day {{input.text}}\"\n");
        await(
                "the edit of the included file reached greeter",
                () -> ask(vertx, "greeter").equals("good day you!"));

        write(shared, "stages:\n  greet:\n    template: \"x\"\n    retries: 2\n");
        await(
                "a broken included file is reported",
                () -> state(pipelines, "greeter").equals("invalid"));
        assertTrue(
                info(pipelines, "greeter").errors().toString(),
                info(pipelines, "greeter")
                        .errors()
                        .get(0)
                        .startsWith(
                                "pipelines/greeting.stages.yaml:4: stages.greet.retries: applies only to stages that"
                                        + " call a service"));
        assertEquals("the last good version keeps serving", "good day you!", ask(vertx, "greeter"));

        // a stage kind from a bundle (here the test's own): the whiteboard picks it up, and a file that uses it loads
        write(folder.resolve("loud-greeter.yaml"), "input: Text\nstages:\n  out: {upper: $input.text}\n");
        await(
                "a file with an unknown kind is invalid",
                () -> state(pipelines, "loud-greeter").equals("invalid"));
        ServiceRegistration<StageKind> kind = context.registerService(StageKind.class, new UpperKind(), null);
        await(
                "loud-greeter serving once the kind is registered",
                () -> state(pipelines, "loud-greeter").equals("serving"));
        assertEquals("YOU", ask(vertx, "loud-greeter"));
        kind.unregister();
        await(
                "loud-greeter stops with its kind",
                () -> !state(pipelines, "loud-greeter").equals("serving"));

        Files.delete(folder.resolve("loud-greeter.yaml"));
        Files.delete(folder.resolve("greeter.yaml"));
        Files.delete(shared);
        await("greeter gone", () -> info(pipelines, "greeter") == null);
    }

    private static String ask(Vertx vertx, String pipeline) {
        return ((JsonObject) vertx.eventBus()
                        .request("stoa.pipeline." + pipeline, new JsonObject().put("text", "you"))
                        .await()
                        .body())
                .getString("text");
    }

    /** A stage kind as a bundle would add one: {@code upper: $ref} writes the text in capitals. */
    private static final class UpperKind implements StageKind {

        @Override
        public String name() {
            return "upper";
        }

        @Override
        public Set<String> fields() {
            return Set.of();
        }

        @Override
        public Stage parse(StageSpec spec) {
            Ref ref = spec.ref(spec.value());
            return ref == null ? null : new Upper(ref);
        }
    }

    private record Upper(Ref ref) implements ComputedStage {

        @Override
        public List<Ref> reads() {
            return List.of(ref);
        }

        @Override
        public ValueType check(StageTypes types) {
            return ValueType.of("Text");
        }

        @Override
        public Object compute(Values values) {
            return new Text(String.valueOf(values.get(ref)).toUpperCase(Locale.ROOT));
        }
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
        return pipelines.pipelines().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static String state(PipelineDirectory pipelines, String name) {
        PipelineInfo i = info(pipelines, name);
        return i == null ? "absent" : i.state();
    }
}
