package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A command a bundle contributes, in the distribution: the vqa bundle's {@code eval-vqa} is listed at
 * {@code GET /v1/commands} and runs at {@code POST /v1/commands/eval-vqa}, found as an OSGi service, drawing the
 * evaluation set from the real shapes dataset and calling the pipeline through the bus's {@code ServiceCaller}. The
 * pipeline named here does not exist, so every call fails as {@code UNKNOWN_SERVICE} and counts wrong: the command
 * still ends with its table and status 0, which is what {@code bin/stoa eval-vqa} prints and exits with.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CommandIT extends StoaTestSupport {

    @Test
    public void evalVqaIsListedAndRunsThroughTheGateway() throws Exception {
        await("GET /v1/commands lists eval-vqa", () -> {
            try {
                JsonArray commands = new JsonObject(http("/v1/commands").body()).getJsonArray("commands");
                return commands.stream().anyMatch(c -> "eval-vqa".equals(((JsonObject) c).getString("name")));
            } catch (Exception e) {
                return false;
            }
        });

        HttpResponse<String> run = httpPost(
                "/v1/commands/eval-vqa",
                new JsonObject()
                        .put(
                                "args",
                                new JsonArray(
                                        List.of("--n", "4", "--image-size", "32", "--pipeline", "no-such-pipeline")))
                        .encode());
        assertEquals(run.body(), 200, run.statusCode());
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int exit = -1;
        for (String line : run.body().split("\n")) {
            JsonObject o = new JsonObject(line);
            out.append(o.getString("out", ""));
            err.append(o.getString("err", ""));
            exit = o.getInteger("exit", exit);
        }
        assertEquals(out + " / " + err, 0, exit);
        assertTrue(out.toString(), out.toString().startsWith("eval-vqa: 4 questions (seed 0, 32 px)\n"));
        assertTrue(out.toString(), out.toString().matches("(?s).*overall\\s+0\\.0% \\(0/4\\).*"));
        assertTrue(err.toString(), err.toString().contains("no-such-pipeline: 4 of 4 calls failed"));
        assertTrue(err.toString(), err.toString().contains("UNKNOWN_SERVICE"));

        HttpResponse<String> bad = httpPost("/v1/commands/eval-vqa", "{\"args\": [\"--n\", \"zero\"]}");
        assertTrue(bad.body(), bad.body().endsWith("{\"exit\":2}\n"));
        assertEquals(404, httpPost("/v1/commands/no-such-command", "{}").statusCode());
    }
}
