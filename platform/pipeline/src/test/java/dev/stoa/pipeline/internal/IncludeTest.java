package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code include:}: shared stage files, their errors located in them, cycles and name clashes refused. */
class IncludeTest {

    private static PipelineParser.Result parse(String yaml, Map<String, String> folder) {
        return PipelineParser.parse(
                "pipelines/p.yaml",
                "p",
                yaml,
                new PipelineParser.Settings(30_000, 64, StageKinds.builtIn(), folder::get));
    }

    private static List<String> errors(String yaml, Map<String, String> folder) {
        return parse(yaml, folder).errors().stream()
                .map(PipelineError::toString)
                .toList();
    }

    @Test
    void includedStagesJoinThePipelineFirstAndRememberTheirFile() {
        PipelineDefinition p = parse("""
                input: {image: Image}
                include: [count.stages.yaml]
                stages:
                  say: {template: "{{count.label}}"}
                """, Map.of("count.stages.yaml", """
                description: shared
                stages:
                  count: {call: counter, with: {image: $input.image}}
                """)).definition();
        assertThat(p.stages()).containsOnlyKeys("count", "say");
        assertThat(List.copyOf(p.stages().keySet())).containsExactly("count", "say");
        assertThat(p.stages().get("count").file()).isEqualTo("pipelines/count.stages.yaml");
        assertThat(p.stages().get("count").line()).isEqualTo(3);
        assertThat(p.includes()).containsExactly("pipelines/count.stages.yaml");
        assertThat(p.output().source()).as("the last stage, the file's own").isEqualTo("say");
    }

    @Test
    void anErrorInAnIncludedFileNamesThatFileAndLine() {
        assertThat(errors("""
                include: shared.stages.yaml
                stages:
                  say: {template: "{{count.label}}"}
                """, Map.of("shared.stages.yaml", """
                stages:
                  count:
                    call: counter
                    tiemout: 5s
                """)))
                .containsExactly("pipelines/shared.stages.yaml:4: stages.count.tiemout: is not a known field;"
                        + " did you mean 'timeout'? (known: [call, description, input, maxInFlight, optional, retries,"
                        + " timeout, when, with])");
    }

    @Test
    void aTypeErrorInAnIncludedStageNamesThatFile() {
        PipelineDefinition p = parse("""
                input: {image: Image}
                include: [shared.stages.yaml]
                stages:
                  say: {template: "{{count.label}}"}
                """, Map.of("shared.stages.yaml", """
                stages:
                  count: {call: counter, with: {image: $input.imgae}}
                """)).definition();
        assertThat(PipelineValidator.validate(p, id -> null).errors())
                .singleElement()
                .asString()
                .startsWith("pipelines/shared.stages.yaml:2: stages.count: reads 'input.imgae', but 'input' is a"
                        + " JsonObject with fields [image]; did you mean 'image'?");
    }

    @Test
    void anIncludeCycleIsAnError() {
        assertThat(errors(
                        """
                include: [a.stages.yaml]
                stages:
                  say: {template: "x"}
                """,
                        Map.of(
                                "a.stages.yaml",
                                "include: b.stages.yaml\nstages:\n  a: {template: a}\n",
                                "b.stages.yaml",
                                "include: [a.stages.yaml]\nstages:\n  b: {template: b}\n")))
                .containsExactly("pipelines/b.stages.yaml:1: include: includes 'a.stages.yaml', which is a cycle:"
                        + " pipelines/a.stages.yaml -> pipelines/b.stages.yaml ->"
                        + " pipelines/a.stages.yaml; remove one of these includes");
    }

    @Test
    void aStageDefinedInTheFileAndAnIncludedOneIsAnError() {
        assertThat(errors("""
                include: [a.stages.yaml]
                stages:
                  count: {template: "mine"}
                """, Map.of("a.stages.yaml", "stages:\n  count: {template: theirs}\n")))
                .containsExactly("pipelines/p.yaml:3: stages.count: is defined twice (first in"
                        + " pipelines/a.stages.yaml on line 2); give each stage its own name");
    }

    @Test
    void onlyStageFilesOfTheFolderCanBeIncluded() {
        assertThat(errors("""
                include: [other.yaml, ../x.stages.yaml, missing.stages.yaml]
                stages:
                  say: {template: "x"}
                """, Map.of("other.yaml", "stages:\n  a: {template: a}\n")))
                .satisfiesExactly(
                        e -> assertThat(e)
                                .startsWith("pipelines/p.yaml:1: include: is 'other.yaml'; include a file of"
                                        + " shared stages in this folder, whose name ends in .stages.yaml"),
                        e -> assertThat(e).contains("include: is '../x.stages.yaml'"),
                        e -> assertThat(e)
                                .contains("include: names 'missing.stages.yaml', which is not in"
                                        + " pipelines/; create it or fix the name"));
        assertThat(errors(
                        "include: [a.stages.yaml]\nstages:\n  s: {template: x}\n",
                        Map.of("a.stages.yaml", "input: Text\nstages:\n  a: {template: a}\n")))
                .singleElement()
                .asString()
                .startsWith("pipelines/a.stages.yaml:1: input: is not a known field");
    }
}
