package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.pipeline.ServiceSchema;
import dev.stoa.api.runtime.ExportedService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineValidatorTest {

    private static final Map<String, ExportedService> SERVICES = Map.of(
            "embedder", service("embedder", "Text", "Embedding"),
            "shout", service("shout", "Text", "Text"),
            "classify", service("classify", "Image", "JsonObject"),
            "llm", service("llm", "GenerationRequest", "Generation"),
            "captioner", service("captioner", "Image", "Text"),
            "zero-shot", service("zero-shot", "Map", "Map"));

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
                """))
                .singleElement()
                .asString()
                .isEqualTo("pipelines/p.yaml:5: stages.loud.input: '$vector' is an"
                        + " Embedding but service 'shout' takes a Text; wire it to a stage that produces a Text (a"
                        + " template produces Text)");
    }

    @Test
    void unknownStageIsReportedWithASuggestion() {
        assertThat(errors("""
                stages:
                  caption: {call: shout}
                  prompt: {template: "{{captoin.text}}"}
                """))
                .singleElement()
                .asString()
                .contains(":3: stages.prompt: reads 'captoin', which is neither"
                        + " 'input' nor a stage; did you mean 'caption'?");
    }

    @Test
    void missingTemplateFieldIsCaught() {
        assertThat(errors("""
                input: Text
                stages:
                  loud: {call: shout}
                  prompt: {template: "{{loud.label}}"}
                """))
                .singleElement()
                .asString()
                .contains("reads 'loud.label', but 'loud' is a Text with fields" + " [text]");
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

    @Test
    void withFieldsAreCheckedAgainstTheRecordTheServiceTakes() {
        assertThat(errors("""
                input: Text
                stages:
                  ask: {call: llm, with: {prompt: $input.text, max_tokns: 8}}
                """))
                .singleElement()
                .asString()
                .isEqualTo("pipelines/p.yaml:3: stages.ask.with.max_tokns: service"
                        + " 'llm' takes a GenerationRequest, which has no field 'max_tokns'; did you mean"
                        + " 'max_tokens'? (fields: [beam_size, max_tokens, prompt, seed, stop, temperature, text, top_k,"
                        + " top_p])");
    }

    @Test
    void anImageFieldMustGetAnImage() {
        assertThat(errors("""
                input: {image: Image, question: String}
                stages:
                  caption: {call: captioner, with: {image: $input.question}}
                """))
                .singleElement()
                .asString()
                .contains("stages.caption.with.image: '$input.question' is a String"
                        + " but service 'captioner' reads an Image there");
        assertThat(errors("""
                input: {image: Image, question: String}
                stages:
                  caption: {call: captioner, input: $input.image}
                  caption2: {call: captioner, with: {image: $input.image}}
                  say: {template: "{{caption.text}} {{caption2.text}}"}
                """)).isEmpty();
    }

    @Test
    void declaredInputFieldsAreChecked() {
        assertThat(errors("""
                input: {image: Image, question: String}
                stages:
                  caption: {call: captioner, input: $input.imgae}
                """))
                .singleElement()
                .asString()
                .contains("reads 'input.imgae', but 'input' is a JsonObject with"
                        + " fields [image, question]; did you mean 'image'?");
        assertThat(PipelineParser.parse(
                                "pipelines/p.yaml",
                                "p",
                                "input: {image: Picture}\nstages:\n  a: {template: x}\n",
                                30_000,
                                64)
                        .errors())
                .singleElement()
                .asString()
                .contains("input.image: is 'Picture'; use one of" + " [Boolean, Image, List, Number, Object, String]");
    }

    @Test
    void whatAMapServiceAnswersIsNotedAsUncheckedNotRejected() {
        PipelineValidator.Result r = validate("""
                input: {image: Image}
                stages:
                  tags: {call: zero-shot, with: {image: $input.image, labels: [a, b]}}
                  say: {template: "{{tags.label}}"}
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.notes())
                .containsExactly(
                        "stages.tags: service 'zero-shot' takes Map and publishes no schema: what the stage sends it is"
                                + " checked by the service, at the first request",
                        "stages.say: reads '$tags.label' from service 'zero-shot', which answers JSON without a schema:"
                                + " 'label' is checked only when it answers");
    }

    @Test
    void mergeKnowsTheFieldsItMakes() {
        assertThat(errors("""
                input: Text
                stages:
                  loud: {call: shout}
                  both: {merge: [$loud.text, $input]}
                  say: {template: "{{both.txet}}"}
                """))
                .singleElement()
                .asString()
                .contains("reads 'both.txet', but 'both' is a JsonObject with fields"
                        + " [input, text]; did you mean 'text'?");
    }

    @Test
    void aMapServiceThatPublishesASchemaIsCheckedBothWays() {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/p.yaml", "p", """
                input: {image: Image}
                stages:
                  tags: {call: zero-shot, with: {image: $input.image, labelz: [a, b]}}
                  say: {template: "{{tags.lable}}"}
                """, 30_000, 64);
        PipelineValidator.Schema schema = new PipelineValidator.Schema(
                ServiceSchema.parse("image:Image, labels:List?, templates:List?"),
                ServiceSchema.parse(new String[] {"label:String", "scores:JsonObject"}));
        PipelineValidator.Result r = PipelineValidator.validate(
                parsed.definition(), SERVICES::get, id -> id.equals("zero-shot") ? schema : null);
        assertThat(r.errors())
                .extracting(PipelineError::toString)
                .containsExactly(
                        "pipelines/p.yaml:3: stages.tags.with.labelz: service 'zero-shot' takes a JsonObject, which has no"
                                + " field 'labelz'; did you mean 'labels'? (fields: [image, labels, templates])",
                        "pipelines/p.yaml:4: stages.say: reads 'tags.lable', but 'tags' is a JsonObject with fields [label,"
                                + " scores]; did you mean 'label'?");
        assertThat(r.notes()).as("nothing left unchecked").isEmpty();
    }
}
