package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.runtime.PipelineInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineGraphTest {

    @TempDir
    Path etc;

    private static final String VQA = """
            description: Answers a question about an image.
            input: {image: Image, question: String}
            include: [count.stages.yaml]
            stages:
              tags:
                call: clip-zero-shot
                with: {image: $input.image}
              ocr: {call: ocr-paddle, input: $input.image, optional: true}
              describe:
                template: "scene: {{tags.label}}. count: {{ count.label }}. text: {{ocr.lines}}. q: {{input.question}}"
              answer:
                call: gpt-scene-qa
                with: {prompt: $describe.text, max_tokens: 12}
                when: $tags.label
            output: $answer
            """;

    private static final String COUNT = """
            stages:
              count:
                call: clip-zero-shot
                with:
                  image: $input.image
                  labels: [one, two, $notastage]
            """;

    private JsonObject describe(String name, String source, List<String> errors) throws Exception {
        Files.createDirectories(etc.resolve("pipelines"));
        Files.writeString(etc.resolve("pipelines/" + name + ".yaml"), source);
        Files.writeString(etc.resolve("pipelines/count.stages.yaml"), COUNT);
        return PipelineGraph.describe(
                new PipelineInfo(
                        name,
                        "pipelines/" + name + ".yaml",
                        errors.isEmpty() ? "serving" : "invalid",
                        errors,
                        List.of()),
                etc);
    }

    private static JsonObject stage(JsonObject graph, String name) {
        return graph.getJsonArray("stages").stream()
                .map(JsonObject.class::cast)
                .filter(s -> s.getString("name").equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void stagesTheirLinesKindsAndRefsAndTheEdgesTheyMake() throws Exception {
        JsonObject g = describe("vqa", VQA, List.of());
        assertThat(g.getString("source")).isEqualTo(VQA);
        assertThat(g.getString("description")).isEqualTo("Answers a question about an image.");
        assertThat(g.getString("address")).isEqualTo("stoa.pipeline.vqa");
        assertThat(g.getJsonArray("includes").getJsonObject(0).getString("file"))
                .isEqualTo("pipelines/count.stages.yaml");
        assertThat(g.getJsonArray("includes").getJsonObject(0).getString("source"))
                .isEqualTo(COUNT);
        assertThat(g.getJsonArray("stages"))
                .extracting(s -> ((JsonObject) s).getString("name"))
                .containsExactly("count", "tags", "ocr", "describe", "answer");
        JsonObject tags = stage(g, "tags");
        assertThat(tags.getString("kind")).isEqualTo("call");
        assertThat(tags.getString("call")).isEqualTo("clip-zero-shot");
        assertThat(tags.getInteger("line")).isEqualTo(5);
        assertThat(tags.getString("file")).isEqualTo("pipelines/vqa.yaml");
        assertThat(stage(g, "ocr").getBoolean("optional")).isTrue();
        assertThat(stage(g, "count").getString("file")).isEqualTo("pipelines/count.stages.yaml");
        assertThat(stage(g, "count").getInteger("line")).isEqualTo(2);
        assertThat(stage(g, "count").getJsonArray("refs")).containsExactly("input");
        JsonObject describe = stage(g, "describe");
        assertThat(describe.getString("kind")).isEqualTo("template");
        assertThat(describe.containsKey("call")).isFalse();
        assertThat(describe.getJsonArray("refs")).containsExactly("tags", "count", "ocr", "input");
        assertThat(stage(g, "answer").getJsonArray("refs")).containsExactly("describe", "tags");
        JsonArray edges = g.getJsonArray("edges");
        assertThat(edges)
                .contains(
                        new JsonObject().put("from", "input").put("to", "tags"),
                        new JsonObject().put("from", "count").put("to", "describe"),
                        new JsonObject().put("from", "describe").put("to", "answer"),
                        new JsonObject().put("from", "answer").put("to", "output"));
        assertThat(edges).hasSize(10);
        assertThat(g.getString("output")).isEqualTo("answer");
    }

    @Test
    void withoutOutputTheLastStageAnswers() throws Exception {
        JsonObject g = describe("one", "stages:\n  a: {call: x}\n  b: {call: y, input: $a}\n", List.of());
        assertThat(g.getString("output")).isEqualTo("b");
        assertThat(g.getJsonArray("edges"))
                .contains(new JsonObject().put("from", "b").put("to", "output"));
    }

    @Test
    void anInvalidFileHasItsErrorsSplitIntoFileLineAndMessage() throws Exception {
        List<String> errors = List.of(
                "pipelines/bad.yaml:3: stages.a.call: names 'nope', which no service has; GET /v1/services",
                "pipelines/bad.yaml: must be a mapping with 'stages:'");
        JsonObject g = describe("bad", "stages:\n  a:\n    call: nope\n  b: [unclosed\n", errors);
        assertThat(g.getJsonArray("stages")).isEmpty();
        assertThat(g.getString("source")).contains("unclosed");
        JsonArray problems = g.getJsonArray("problems");
        assertThat(problems.getJsonObject(0).getString("file")).isEqualTo("pipelines/bad.yaml");
        assertThat(problems.getJsonObject(0).getInteger("line")).isEqualTo(3);
        assertThat(problems.getJsonObject(0).getString("message")).startsWith("stages.a.call: names 'nope'");
        assertThat(problems.getJsonObject(1).getInteger("line")).isZero();
        assertThat(g.getJsonArray("errors")).hasSize(2);
    }

    @Test
    void aFileThatIsGoneSaysWhy() {
        JsonObject g = PipelineGraph.describe(
                new PipelineInfo("gone", "pipelines/gone.yaml", "serving", List.of(), List.of()), etc);
        assertThat(g.getValue("source")).isNull();
        assertThat(g.getString("sourceError")).contains("pipelines/gone.yaml");
        assertThat(g.getJsonArray("stages")).isEmpty();
    }

    @Test
    void aFileOutsideEtcIsNotRead() throws Exception {
        Files.writeString(etc.resolveSibling("secret.yaml"), "stages: {a: {call: x}}");
        JsonObject g =
                PipelineGraph.describe(new PipelineInfo("x", "../secret.yaml", "serving", List.of(), List.of()), etc);
        assertThat(g.getValue("source")).isNull();
        assertThat(g.getString("sourceError")).contains("outside");
    }
}
