package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.runtime.ExportedService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every pipeline file the distribution ships parses and validates against the types of the services it names (as
 * those services declare them), so a typo in a shipped file fails the build, not a user's first start.
 */
class ShippedPipelinesTest {

    private static final Path SHIPPED = Path.of("../../distribution/src/main/dist/etc/pipelines");

    /** The services the shipped files call, with the input and output types their bundles register. */
    private static final Map<String, ExportedService> SERVICES = Map.ofEntries(
            Map.entry("shout", PipelineValidatorTest.service("shout", "Text", "Text")),
            Map.entry("all-minilm-l6-v2", PipelineValidatorTest.service("all-minilm-l6-v2", "Text", "Embedding")),
            Map.entry("ocr-paddle", PipelineValidatorTest.service("ocr-paddle", "Image", "RecognizedText")),
            Map.entry("vectors.texts.query", PipelineValidatorTest.service("vectors.texts.query", "JsonObject", "JsonObject")),
            Map.entry("ocr.index", PipelineValidatorTest.service("ocr.index", "JsonObject", "JsonObject")),
            Map.entry("ocr.search", PipelineValidatorTest.service("ocr.search", "JsonObject", "JsonObject")),
            Map.entry("images.search", PipelineValidatorTest.service("images.search", "JsonObject", "JsonObject")),
            Map.entry("clip-tiny-zero-shot", PipelineValidatorTest.service("clip-tiny-zero-shot", "Map", "Map")),
            Map.entry("clip-tiny-scenes-zero-shot", PipelineValidatorTest.service("clip-tiny-scenes-zero-shot", "Map", "Map")),
            Map.entry("clipcap-scenes", PipelineValidatorTest.service("clipcap-scenes", "Image", "Text")),
            Map.entry("gpt-scene-qa", PipelineValidatorTest.service("gpt-scene-qa", "GenerationRequest", "Generation")));

    @Test
    void everyShippedPipelineIsValidAndNeedsOnlyKnownServices() throws Exception {
        List<Path> files;
        try (Stream<Path> all = Files.list(SHIPPED)) {
            files = all.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString())
                .contains("semantic-search.yaml", "ocr-index.yaml", "ocr-search.yaml", "image-search.yaml",
                        "zero-shot.yaml");
        for (Path f : files) {
            String name = f.getFileName().toString().replace(".yaml", "");
            PipelineParser.Result parsed = PipelineParser.parse("pipelines/" + f.getFileName(), name,
                    Files.readString(f), 30_000, 64);
            assertThat(parsed.errors()).as(f.toString()).isEmpty();
            PipelineValidator.Result valid = PipelineValidator.validate(parsed.definition(), SERVICES::get);
            assertThat(valid.errors()).as(f.toString()).isEmpty();
            assertThat(valid.missingServices()).as(f.toString()).isEmpty();
        }
    }
}
