package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.TextLine;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Socratic VQA pipelines still do the same work now that their count stage is shared and their values stay
 * records: for the same stage outputs they write the language model the same prompt, character for character, as
 * the templates of the files before this change wrote (the expected prompts below are those templates filled by
 * hand), send the count stage the same labels and templates, and decode the image once. The trained models are not
 * part of a unit test; this is what keeps the pipeline's evaluation score where it was.
 */
class SocraticVqaPromptTest {

    private static final String SCENE = "scene: red circle. count: two. caption: two red circles with the text"
            + " \"STOP\". text: STOP.\nq: What colour is the shape?\na:";
    private static final List<String> COUNT_TEMPLATES = List.of(
            "{} red circles",
            "{} red squares",
            "{} red triangles",
            "{} red stars",
            "{} red crosses",
            "{} green circles",
            "{} green squares",
            "{} green triangles",
            "{} green stars",
            "{} green crosses",
            "{} blue circles",
            "{} blue squares",
            "{} blue triangles",
            "{} blue stars",
            "{} blue crosses",
            "{} yellow circles",
            "{} yellow squares",
            "{} yellow triangles",
            "{} yellow stars",
            "{} yellow crosses",
            "{} purple circles",
            "{} purple squares",
            "{} purple triangles",
            "{} purple stars",
            "{} purple crosses",
            "{} orange circles",
            "{} orange squares",
            "{} orange triangles",
            "{} orange stars",
            "{} orange crosses");

    private Vertx vertx;
    private StandInServices services;
    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        services = new StandInServices(vertx)
                .serve("clip-tiny-scenes-zero-shot", Map.class, request -> {
                    assertThat(request.get("image")).isInstanceOf(Image.class);
                    Map<String, Object> out = new LinkedHashMap<>();
                    if (request.containsKey("labels")) {
                        seen.put("count", new LinkedHashMap<>(request));
                        out.put("label", "two");
                    } else {
                        out.put("label", "red circle");
                    }
                    out.put("scores", Map.of());
                    return out;
                })
                .serve("clip-tiny-zero-shot", Map.class, request -> {
                    seen.put("count-clip-tiny", new LinkedHashMap<>(request));
                    return new LinkedHashMap<>(Map.of("label", "three"));
                })
                .serve("clipcap-scenes", Image.class, image -> new Text("two red circles with the text \"STOP\""))
                // the question router (bundles/vqa): a stand-in that routes one paraphrase and passes the rest on
                .serve("vqa-question-router", Map.class, request -> {
                    seen.put("route", new LinkedHashMap<>(request));
                    String q = request.get("question").toString();
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("question", q.equals("Name the colour.") ? "What colour is the shape?" : q);
                    out.put("routed", q.equals("Name the colour."));
                    return out;
                })
                .serve(
                        "ocr-paddle",
                        Image.class,
                        image -> new RecognizedText(List.of(new TextLine("STOP", 0.98, 10, 4, 40, 12))))
                .serve("gpt-scene-qa", GenerationRequest.class, request -> {
                    seen.put("prompt", request.prompt());
                    seen.put("options", request.options());
                    return new Generation(" red", 1, FinishReason.STOP, "gpt-scene-qa", true);
                });
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private JsonObject ask(Path file) throws Exception {
        return ask(file, "What colour is the shape?");
    }

    private JsonObject ask(Path file, String question) throws Exception {
        PipelineParser.Result parsed = ShippedPipelinesTest.parse(file);
        assertThat(parsed.errors()).isEmpty();
        PipelineService p = new PipelineService(vertx, parsed.definition(), services.targets());
        Image scene = new Image(32, 32, new byte[32 * 32 * 3]);
        JsonObject request = new JsonObject()
                .put("image", Base64.getEncoder().encodeToString(scene.encodePng()))
                .put("question", question);
        return p.callAsync(request)
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void socraticVqaWritesTheSamePromptAndDecodesTheImageOnce() throws Exception {
        ask(ShippedPipelinesTest.SHIPPED.resolve("socratic-vqa.yaml")); // warm
        long before = Image.decodeCount();
        JsonObject answer = ask(ShippedPipelinesTest.SHIPPED.resolve("socratic-vqa.yaml"));
        assertThat(Image.decodeCount() - before)
                .as("decodes of the request's image")
                .isEqualTo(1);
        assertThat(seen.get("prompt")).isEqualTo(SCENE);
        assertThat(answer.getString("text")).isEqualTo(" red");
        assertThat(answer.getString("finish_reason")).isEqualTo("stop");
        @SuppressWarnings("unchecked")
        Map<String, Object> count = (Map<String, Object>) seen.get("count");
        assertThat(count.get("labels")).isEqualTo(List.of("one", "two", "three"));
        assertThat(count.get("templates")).isEqualTo(COUNT_TEMPLATES);
        assertThat(seen.get("options").toString()).contains("maxTokens=12").contains("stop=[\n]");
    }

    @Test
    void socraticVqaAsksTheRoutedQuestion() throws Exception {
        ask(ShippedPipelinesTest.SHIPPED.resolve("socratic-vqa.yaml"), "Name the colour.");
        assertThat(seen.get("prompt")).isEqualTo(SCENE);
        @SuppressWarnings("unchecked")
        Map<String, Object> route = (Map<String, Object>) seen.get("route");
        assertThat(route).containsEntry("question", "Name the colour.").containsKey("threshold");
        ask(ShippedPipelinesTest.SHIPPED.resolve("socratic-vqa.yaml"), "How big is it?");
        assertThat(seen.get("prompt")).isEqualTo(SCENE.replace("What colour is the shape?", "How big is it?"));
    }

    @Test
    void theAblationsWriteTheirSamePrompts() throws Exception {
        Path lab = ShippedPipelinesTest.VQA_EXAMPLES;
        ask(lab.resolve("socratic-vqa-no-caption.yaml"));
        assertThat(seen.get("prompt"))
                .isEqualTo(SCENE.replace("caption: two red circles with the text \"STOP\".", "caption: ."));
        ask(lab.resolve("socratic-vqa-no-ocr.yaml"));
        assertThat(seen.get("prompt")).isEqualTo(SCENE.replace("text: STOP.", "text: ."));
        ask(lab.resolve("socratic-vqa-question-only.yaml"));
        assertThat(seen.get("prompt"))
                .isEqualTo("scene: . count: . caption: . text: .\nq: What colour is the" + " shape?\na:");
        ask(lab.resolve("socratic-vqa-count-clip-tiny.yaml"));
        assertThat(seen.get("prompt")).isEqualTo(SCENE.replace("count: two.", "count: three."));
        @SuppressWarnings("unchecked")
        Map<String, Object> tiny = (Map<String, Object>) seen.get("count-clip-tiny");
        assertThat(tiny.get("templates")).isEqualTo(List.of("{} shapes", "a photo of {} shapes."));
        ask(lab.resolve("socratic-vqa-few-shot.yaml"));
        assertThat(seen.get("prompt"))
                .isEqualTo("scene: blue square. count: three. caption: three blue squares and"
                        + " the word CAT. text: CAT.\nq: How many shapes are there?\na: three\nscene: yellow star. count:"
                        + " one. caption: a yellow star. text: .\nq: What colour is the shape?\na: yellow\n" + SCENE);
    }
}
