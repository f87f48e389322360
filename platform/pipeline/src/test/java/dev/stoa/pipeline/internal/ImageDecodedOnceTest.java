package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.TextLine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An image sent to a pipeline is decoded once, however many stages read {@code $input.image}: the pipeline decodes it
 * where the request arrives, and the stages send the decoded {@link Image} on. Counted with
 * {@link Image#decodeCount()}, which every PNG/JPEG decode in the JVM increments.
 */
class ImageDecodedOnceTest {

    private static final String STAGES = """
            stages:
              tags: {call: zero-shot, with: {image: $input.image, labels: [red, blue]}}
              count: {call: zero-shot, with: {image: $input.image, labels: [one, two]}}
              caption: {call: captioner, with: {image: $input.image}}
              ocr: {call: ocr, input: $input.image}
              describe: {template: "scene: {{tags.label}}. count: {{count.label}}. caption: {{caption.text}}. text: {{ocr.lines}}. q: {{input.question}}"}
            output: $describe
            """;

    private Vertx vertx;
    private StandInServices services;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        services = new StandInServices(vertx)
                // as CLIP's zero-shot service reads its map: a decoded image, or base64 it decodes itself
                .serve("zero-shot", Map.class, request -> {
                    Image image = image(request.get("image"));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("label", ((List<?>) request.get("labels")).get(1) + " " + image.width());
                    return out;
                })
                .serve(
                        "captioner",
                        Image.class,
                        image -> new Text("a " + image.width() + "x" + image.height() + " picture"))
                .serve(
                        "ocr",
                        Image.class,
                        image -> new RecognizedText(List.of(new TextLine("STOP", 0.9, 0, 0, image.width(), 8))));
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private static Image image(Object value) {
        return value instanceof Image i ? i : Image.decode(Base64.getDecoder().decode((String) value));
    }

    private JsonObject run(String yaml, JsonObject request) {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/vqa.yaml", "vqa", yaml, 5_000, 64);
        assertThat(parsed.errors()).isEmpty();
        PipelineService p = new PipelineService(vertx, parsed.definition(), services.targets());
        return p.callAsync(request)
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    private static JsonObject request() {
        Image picture = new Image(24, 16, new byte[24 * 16 * 3]);
        return new JsonObject()
                .put("image", Base64.getEncoder().encodeToString(picture.encodePng()))
                .put("question", "what is it?");
    }

    @Test
    void fourStagesReadingTheImageDecodeItOnce() {
        String yaml = "input: {image: Image, question: String}\n" + STAGES;
        run(yaml, request()); // warm: class loading, codecs
        long before = Image.decodeCount();
        JsonObject out = run(yaml, request());
        assertThat(Image.decodeCount() - before).isEqualTo(1);
        assertThat(out.getString("text"))
                .isEqualTo("scene: blue 24. count: two 24. caption: a 24x16 picture." + " text: STOP. q: what is it?");
    }

    @Test
    void anUndeclaredImageIsDecodedByEachStageThatReadsIt() {
        // the counter counts: with 'input: JsonObject' the base64 travels and each of the four services decodes it
        long before = Image.decodeCount();
        // (a base64 string sent alone would read as text: the undeclared image goes in a field)
        String undeclared = STAGES.replace("input: $input.image}", "with: {image: $input.image}}");
        JsonObject out = run("input: JsonObject\n" + undeclared, request());
        assertThat(Image.decodeCount() - before).isEqualTo(4);
        assertThat(out.getString("text"))
                .isEqualTo("scene: blue 24. count: two 24. caption: a 24x16 picture." + " text: STOP. q: what is it?");
    }
}
