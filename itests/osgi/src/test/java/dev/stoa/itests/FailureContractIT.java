package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.itests.tiny.CodedFailureActivator;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * One call contract: a service that throws {@code StoaException(code)} fails with that same code through every door
 * of the running platform, for every {@link FailureCode}: HTTP ({@code POST /v1/services/failer}: the code's name and
 * HTTP status), the event bus ({@code stoa.service.failer}), a pipeline stage that calls it (over the bus and over
 * HTTP) and {@link ServiceCaller}. Also: a pipeline that takes the id of a service is refused and listed, and
 * {@code /v1/pipelines/failer} never calls the service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FailureContractIT extends StoaTestSupport {

    private static final String ID = CodedFailureActivator.ID;
    private static final String PIPELINE = "failure-relay";

    @Override
    protected void buildBundles(Path dir) throws IOException {
        TestBundles.codedFailures(dir);
    }

    @Test
    public void everyFailureCodeReadsTheSameThroughHttpTheBusAPipelineAndServiceCaller() throws Exception {
        Vertx vertx = service(Vertx.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        ServiceCaller caller = service(ServiceCaller.class);
        PipelineDirectory pipelines = service(PipelineDirectory.class);
        deploy(builtBundles().resolve("failer.jar"), "failer.jar");
        await(
                "failer exported",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals(ID) && s.state().equals("available")));
        Path folder = Path.of(context.getProperty("felix.fileinstall.dir"), "pipelines");
        write(
                folder.resolve(PIPELINE + ".yaml"),
                "input: Text\nstages:\n  relay:\n    call: " + ID + "\n  out:\n    template: \"{{relay.text}}\"\n");
        await(PIPELINE + " serving", () -> state(pipelines, PIPELINE).equals("serving"));

        List<String> mismatches = new ArrayList<>();
        for (FailureCode code : FailureCode.values()) {
            String input = code.name();
            String http = httpFailure("/v1/services/" + ID, input);
            String bus = busFailure(vertx, "stoa.service." + ID, input);
            String stage = busFailure(vertx, "stoa.pipeline." + PIPELINE, input);
            String stageHttp = httpFailure("/v1/pipelines/" + PIPELINE, input);
            String inProcess = callerFailure(caller, input);
            String expected = code.name() + "/" + code.httpStatus();
            String expectedBus = code.name();
            System.out.printf(
                    "[measure] %-16s http %-20s bus %-16s pipeline %-16s pipeline-http %-20s caller %s%n",
                    code, http, bus, stage, stageHttp, inProcess);
            if (!http.equals(expected)
                    || !stageHttp.equals(expected)
                    || !bus.equals(expectedBus)
                    || !stage.equals(expectedBus)
                    || !inProcess.equals(expectedBus)) {
                mismatches.add(code + ": http " + http + ", bus " + bus + ", pipeline " + stage + ", pipeline over"
                        + " http " + stageHttp + ", ServiceCaller " + inProcess);
            }
        }
        assertEquals("every code the same through every door: " + mismatches, List.of(), mismatches);

        // a pipeline may not take a service's id: the export is refused and listed, and the pipeline door does not
        // fall through to the service
        write(folder.resolve(ID + ".yaml"), "input: Text\nstages:\n  out:\n    template: \"{{input.text}}\"\n");
        await(
                "the colliding pipeline refused and listed in /v1/bundles",
                () -> directory.refused().stream()
                        .anyMatch(r -> r.id().equals(ID) && r.kind().equals("pipeline")));
        JsonArray bundles = new JsonArray(http("/v1/bundles").body());
        assertTrue(
                bundles.encode(),
                bundles.stream()
                        .map(JsonObject.class::cast)
                        .anyMatch(b -> b.getString("problem", "").contains("id '" + ID + "' is already the service")));
        HttpResponse<String> door = httpPost(
                "/v1/pipelines/" + ID, new JsonObject().put("text", "hi").encode());
        assertEquals(door.body(), 404, door.statusCode());
        assertEquals("UNKNOWN_SERVICE", new JsonObject(door.body()).getString("error"));
        assertEquals(
                "the service still answers at its own door",
                "hi",
                new JsonObject(httpPost("/v1/services/" + ID, "{\"text\": \"hi\"}")
                                .body())
                        .getString("text"));
        Files.delete(folder.resolve(ID + ".yaml"));
        await("refusal withdrawn with the pipeline", () -> directory.refused().isEmpty());
    }

    /** @return {@code NAME/status} of an HTTP call's error */
    private String httpFailure(String path, String input) throws Exception {
        HttpResponse<String> response =
                httpPost(path, new JsonObject().put("text", input).encode());
        if (response.statusCode() == 200) {
            return "ok";
        }
        return new JsonObject(response.body()).getString("error") + "/" + response.statusCode();
    }

    private static String busFailure(Vertx vertx, String address, String input) {
        try {
            vertx.eventBus().request(address, new Text(input)).await();
            return "ok";
        } catch (ReplyException e) {
            return FailureCode.of(e.failureCode()).name();
        }
    }

    private static String callerFailure(ServiceCaller caller, String input) {
        try {
            caller.call(ID, new Text(input), Text.class);
            return "ok";
        } catch (StoaException e) {
            return e.code().name();
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String state(PipelineDirectory pipelines, String name) {
        return pipelines.pipelines().stream()
                .filter(p -> p.name().equals(name))
                .map(PipelineInfo::state)
                .findFirst()
                .orElse("absent");
    }
}
