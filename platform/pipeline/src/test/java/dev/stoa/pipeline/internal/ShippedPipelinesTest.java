package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.runtime.ExportedService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every pipeline file the distribution ships, and every lab pipeline of bundles/vqa/examples/pipelines (as it loads
 * once copied into the shipped folder), parses and validates against the types of the services it names (as those
 * services declare them), so a typo in a shipped file fails the build, not a user's first start.
 */
class ShippedPipelinesTest {

    static final Path SHIPPED = Path.of("../../distribution/src/main/dist/etc/pipelines");
    static final Path VQA_EXAMPLES = Path.of("../../bundles/vqa/examples/pipelines");

    /** The services the shipped files call, with the input and output types their bundles register. */
    static final Map<String, ExportedService> SERVICES = Map.ofEntries(
            Map.entry("shout", PipelineValidatorTest.service("shout", "Text", "Text")),
            Map.entry("all-minilm-l6-v2", PipelineValidatorTest.service("all-minilm-l6-v2", "Text", "Embedding")),
            Map.entry("ocr-paddle", PipelineValidatorTest.service("ocr-paddle", "Image", "RecognizedText")),
            Map.entry(
                    "vectors.texts.query",
                    PipelineValidatorTest.service("vectors.texts.query", "JsonObject", "JsonObject")),
            Map.entry("ocr.index", PipelineValidatorTest.service("ocr.index", "JsonObject", "JsonObject")),
            Map.entry("ocr.search", PipelineValidatorTest.service("ocr.search", "JsonObject", "JsonObject")),
            Map.entry("images.search", PipelineValidatorTest.service("images.search", "JsonObject", "JsonObject")),
            Map.entry("clip-tiny-zero-shot", PipelineValidatorTest.service("clip-tiny-zero-shot", "Map", "Map")),
            Map.entry(
                    "clip-tiny-scenes-zero-shot",
                    PipelineValidatorTest.service("clip-tiny-scenes-zero-shot", "Map", "Map")),
            Map.entry("clipcap-scenes", PipelineValidatorTest.service("clipcap-scenes", "Image", "Text")),
            Map.entry("coca-tiny-caption", PipelineValidatorTest.service("coca-tiny-caption", "Image", "Text")),
            Map.entry("vcgpt-tiny-caption", PipelineValidatorTest.service("vcgpt-tiny-caption", "Image", "Text")),
            Map.entry("vqa-question-router", PipelineValidatorTest.service("vqa-question-router", "Map", "Map")),
            Map.entry("dalle-tiny-draw", PipelineValidatorTest.service("dalle-tiny-draw", "Map", "Map")),
            Map.entry("clip-tiny-rerank", PipelineValidatorTest.service("clip-tiny-rerank", "Map", "Map")),
            Map.entry("sam-tiny-everything", PipelineValidatorTest.service("sam-tiny-everything", "Map", "Map")),
            Map.entry(
                    "gpt-scene-qa", PipelineValidatorTest.service("gpt-scene-qa", "GenerationRequest", "Generation")));

    /** Reads a file of the shipped folder by name, as the registry does for {@code include:}. */
    static String shippedFile(String name) {
        Path p = SHIPPED.resolve(name);
        try {
            return Files.isRegularFile(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PipelineParser.Result parse(Path file) throws IOException {
        String name = file.getFileName().toString().replace(".yaml", "");
        return PipelineParser.parse(
                "pipelines/" + file.getFileName(),
                name,
                Files.readString(file),
                new PipelineParser.Settings(30_000, 64, StageKinds.builtIn(), ShippedPipelinesTest::shippedFile));
    }

    private static List<Path> pipelines(Path folder) throws IOException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.toString().endsWith(PipelineParser.STAGE_FILE_SUFFIX))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void everyShippedPipelineIsValidAndNeedsOnlyKnownServices() throws Exception {
        List<Path> files = pipelines(SHIPPED);
        assertThat(files)
                .extracting(f -> f.getFileName().toString())
                .containsExactly(
                        "draw-and-check.yaml",
                        "image-search.yaml",
                        "ocr-index.yaml",
                        "ocr-search.yaml",
                        "segment-and-name.yaml",
                        "semantic-search.yaml",
                        "shout-chorus.yaml",
                        "socratic-vqa.yaml",
                        "zero-shot.yaml");
        List<Path> lab = pipelines(VQA_EXAMPLES);
        assertThat(lab)
                .extracting(f -> f.getFileName().toString())
                .containsExactly(
                        "socratic-vqa-coca.yaml",
                        "socratic-vqa-count-clip-tiny.yaml",
                        "socratic-vqa-count-sam.yaml",
                        "socratic-vqa-few-shot.yaml",
                        "socratic-vqa-no-caption.yaml",
                        "socratic-vqa-no-ocr.yaml",
                        "socratic-vqa-question-only.yaml",
                        "socratic-vqa-sam-counts.yaml",
                        "socratic-vqa-vcgpt.yaml");
        for (Path f : Stream.concat(files.stream(), lab.stream()).toList()) {
            PipelineParser.Result parsed = parse(f);
            assertThat(parsed.errors()).as(f.toString()).isEmpty();
            PipelineValidator.Result valid = PipelineValidator.validate(parsed.definition(), SERVICES::get);
            assertThat(valid.errors()).as(f.toString()).isEmpty();
            assertThat(valid.missingServices()).as(f.toString()).isEmpty();
        }
    }

    @Test
    void theSocraticPipelinesShareOneCountStage() throws Exception {
        for (String name : List.of("socratic-vqa.yaml")) {
            assertThat(parse(SHIPPED.resolve(name)).definition().includes())
                    .containsExactly("pipelines/socratic-count.stages.yaml");
        }
        for (String name :
                List.of("socratic-vqa-no-caption.yaml", "socratic-vqa-no-ocr.yaml", "socratic-vqa-few-shot.yaml")) {
            PipelineDefinition p = parse(VQA_EXAMPLES.resolve(name)).definition();
            assertThat(p.includes()).as(name).containsExactly("pipelines/socratic-count.stages.yaml");
            assertThat(p.stages().get("count").file()).isEqualTo("pipelines/socratic-count.stages.yaml");
            assertThat(Files.readString(VQA_EXAMPLES.resolve(name))).as(name).doesNotContain("{} red circles");
        }
    }
}
