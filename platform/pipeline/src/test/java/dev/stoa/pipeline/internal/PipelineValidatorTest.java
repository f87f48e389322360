package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.runtime.ExportedService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineValidatorTest {

    private static final Map<String, ExportedService> SERVICES = Map.of(
            "embedder", service("embedder", "Text", "Embedding"),
            "shout", service("shout", "Text", "Text"),
            "classify", service("classify", "Image", "JsonObject"));

    static ExportedService service(String id, String in, String out) {
        return new ExportedService(id, "service", null, "stoa.service." + id, in, out, "b", 1, "available", 0, 0, 0);
    }

    private static PipelineValidator.Result validate(String yaml) {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/p.yaml", "p", yaml, 30_000, 64);
        assertThat(parsed.errors()).isEmpty();
        return PipelineValidator.validate(parsed.definition(), SERVICES::get);
    }

    private static List<String> errors(String yaml) {
        return validate(yaml).errors().stream().map(PipelineError::toString).toList();
    }

    @Test
    void wellFormedPipelineHasNoErrors() {
        assertThat(errors("""
                input: Text
                stages:
                  loud: {call: shout}
                  prompt: {template: "say {{loud.text}} to {{input.text}}"}
                  vector: {call: embedder, input: $prompt}
                output: $vector
                """)).isEmpty();
    }

    @Test
    void embeddingFedToTextInputIsATypeMismatch() {
        assertThat(errors("""
                input: Text
                stages:
                  vector:
                    call: embedder
                  loud:
                    call: shout
                    input: $vector
                """)).singleElement().asString().isEqualTo("pipelines/p.yaml:5: stages.loud.input: '$vector' is an"
                        + " Embedding but service 'shout' takes a Text; wire it to a stage that produces a Text (a"
                        + " template produces Text)");
    }

    @Test
    void unknownStageIsReportedWithASuggestion() {
        assertThat(errors("""
                stages:
                  caption: {call: shout}
                  prompt: {template: "{{captoin.text}}"}
                """)).singleElement().asString().contains(":3: stages.prompt: reads 'captoin', which is neither"
                        + " 'input' nor a stage; did you mean 'caption'?");
    }

    @Test
    void missingTemplateFieldIsCaught() {
        assertThat(errors("""
                input: Text
                stages:
                  loud: {call: shout}
                  prompt: {template: "{{loud.label}}"}
                """)).singleElement().asString().contains("reads 'loud.label', but 'loud' is a Text with fields"
                        + " [text]");
    }

    @Test
    void cycleIsNamedInOrder() {
        assertThat(errors("""
                stages:
                  a: {template: "{{b.text}}"}
                  b: {template: "{{c.text}}"}
                  c: {template: "{{a.text}}"}
                """)).singleElement().asString().contains("is part of a cycle: a -> b -> c -> a");
    }

    @Test
    void serviceNotInstalledMakesThePipelineWaitNotFail() {
        PipelineValidator.Result r = validate("""
                stages:
                  a: {call: not-yet-installed}
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.missingServices()).containsExactly("not-yet-installed");
    }

    @Test
    void optionalServiceNotInstalledNeitherWaitsNorFails() {
        PipelineValidator.Result r = validate("""
                stages:
                  a: {call: not-yet-installed, optional: true}
                  b: {call: shout, input: $input}
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.missingServices()).isEmpty();
    }

    @Test
    void orderingOperatorOnAStringIsRejected() {
        assertThat(errors("""
                stages:
                  a: {call: shout}
                  b: {call: shout, when: "$a.text > 'm'"}
                """)).singleElement().asString().contains("compares numbers only");
    }
}
