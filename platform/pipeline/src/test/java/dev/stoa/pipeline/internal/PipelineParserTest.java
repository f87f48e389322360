package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.pipeline.Ref;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineParserTest {

    private static PipelineParser.Result parse(String yaml) {
        return PipelineParser.parse("pipelines/p.yaml", "p", yaml, 30_000, 64);
    }

    private static List<String> errors(String yaml) {
        return parse(yaml).errors().stream().map(PipelineError::toString).toList();
    }

    @Test
    void readsEveryStageKind() {
        PipelineDefinition p = parse("""
                input: Image
                stages:
                  caption:
                    call: captioner
                    timeout: 2s
                    retries: 2
                  tags:
                    map: tagger
                    input: $caption.words
                    maxInFlight: 4
                  prompt:
                    template: "A {{caption.text}} with {{tags.items}}"
                  both:
                    merge: [$caption, $prompt]
                    when: $caption.score > 0.5
                output: $both
                """).definition();
        assertThat(p.input().type()).isEqualTo("Image");
        assertThat(p.stages()).containsOnlyKeys("caption", "tags", "prompt", "both");
        StageEntry caption = p.stages().get("caption");
        assertThat(caption.kind()).isEqualTo("call");
        assertThat(caption.stage()).isInstanceOfSatisfying(CallKind.CallStage.class, c -> {
            assertThat(c.service()).isEqualTo("captioner");
            assertThat(c.input()).isEqualTo(new Ref("input", List.of()));
        });
        assertThat(caption.calls().timeoutMs()).isEqualTo(2000);
        assertThat(caption.calls().retries()).isEqualTo(2);
        assertThat(caption.line()).isEqualTo(3);
        assertThat(p.stages().get("tags").reads()).containsExactly(new Ref("caption", List.of("words")));
        assertThat(p.stages().get("tags").calls().maxInFlight()).isEqualTo(4);
        assertThat(p.stages().get("prompt").reads())
                .extracting(Ref::toString)
                .containsExactly("caption.text", "tags.items");
        assertThat(p.stages().get("prompt").calls())
                .as("a template calls no service")
                .isNull();
        assertThat(p.stages().get("both").when().op()).isEqualTo(">");
        assertThat(p.output().source()).isEqualTo("both");
    }

    @Test
    void misspelledFieldIsReportedWithLineAndSuggestion() {
        assertThat(errors("""
                stages:
                  a:
                    call: x
                    tiemout: 5s
                """))
                .containsExactly("pipelines/p.yaml:4: stages.a.tiemout: is not a known field; did you mean"
                        + " 'timeout'? (known: [call, description, input, maxInFlight, optional, retries, timeout, when,"
                        + " with])");
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThat(errors("stages:\n  a:\n    call: [x\n"))
                .singleElement()
                .asString()
                .startsWith("pipelines/p.yaml:4: is not valid YAML");
    }

    @Test
    void eachFieldErrorIsReportedNotJustTheFirst() {
        List<String> errors = errors("""
                input: Picture
                stages:
                  a:
                    call: x
                    template: "y"
                  b:
                    call: z
                    input: input
                    timeout: soon
                    retries: 99
                """);
        assertThat(errors).hasSize(5);
        assertThat(errors.get(0)).contains(":1: input: is 'Picture'; use one of [Audio, Embedding, Image");
        assertThat(errors.get(1)).contains(":3: stages.a: has [call, template]; a stage does one thing");
        assertThat(errors.get(2)).contains(":8: stages.b.input: is 'input'; write a reference");
        assertThat(errors.get(3)).contains(":9: stages.b.timeout: is 'soon'; write a positive duration");
        assertThat(errors.get(4)).contains(":10: stages.b.retries: is '99'; write a whole number from 0 to 10");
    }

    @Test
    void missingStagesAndBadConditionAreExplained() {
        assertThat(errors("input: Text\n")).singleElement().asString().contains("stages: is missing");
        assertThat(errors("""
                stages:
                  a:
                    call: x
                    when: tags > 1
                """))
                .singleElement()
                .asString()
                .contains(":4: stages.a.when: is 'tags > 1'; write '$stage.field'");
    }

    @Test
    void withAndOptionalAreCheckedWhereTheyApply() {
        assertThat(errors("""
                stages:
                  a: {template: "x", with: {n: 1}, optional: maybe}
                """))
                .anySatisfy(e -> assertThat(e).contains("stages.a.with: only 'call' stages take 'with'"))
                .anySatisfy(e -> assertThat(e).contains("stages.a.optional: is 'maybe'; write true or false"));
        assertThat(errors("""
                stages:
                  a: {template: "x", optional: true, by: score}
                """))
                .anySatisfy(e -> assertThat(e)
                        .contains("stages.a.optional: applies only to stages that call a"
                                + " service; a 'template' stage calls none"))
                .anySatisfy(e -> assertThat(e).contains("stages.a.by: only 'top' stages take 'by'"));
        assertThat(errors("""
                stages:
                  a: {call: x, with: [1, 2]}
                """)).singleElement().asString().contains("stages.a.with: must map field names to values");
        StageEntry s = parse("""
                stages:
                  a: {call: x, with: {prompt: $input.text, n: 3, name: "7"}, optional: true}
                """).definition().stages().get("a");
        CallKind.CallStage call = (CallKind.CallStage) s.stage();
        assertThat(call.input()).as("'with' alone is the request").isNull();
        assertThat(call.with()).containsEntry("n", 3L).containsEntry("name", "7");
        assertThat(call.with().get("prompt")).isEqualTo(Ref.parse("input.text"));
        assertThat(s.reads()).contains(Ref.parse("input.text"));
        assertThat(s.optional()).isTrue();
    }

    @Test
    void duplicateStageNameIsAnError() {
        assertThat(errors("stages:\n  a: {call: x}\n  a: {call: y}\n"))
                .singleElement()
                .asString()
                .contains("pipelines/p.yaml:3: stages.a: is defined twice (first on line 2)");
    }
}
