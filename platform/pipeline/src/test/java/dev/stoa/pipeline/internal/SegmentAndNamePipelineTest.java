package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code segment-and-name.yaml} and the lab {@code socratic-vqa-count-sam.yaml}, run against stand-in
 * services on a real event bus: a SAM that finds the coloured squares of the image it is sent (their boxes, and each
 * one's picture when asked for crops) and a CLIP that names a picture by its colour, so each name can only be right
 * when the picture that reached CLIP is that segment's. Checks the answer's shape (a name and SAM's box per object,
 * the count), what SAM was asked, and bad input: no image, a corrupt image.
 */
class SegmentAndNamePipelineTest {

    private static final Path SEGMENT_AND_NAME = ShippedPipelinesTest.SHIPPED.resolve("segment-and-name.yaml");
    private static final Path COUNT_SAM = ShippedPipelinesTest.VQA_EXAMPLES.resolve("socratic-vqa-count-sam.yaml");
    private static final Path SAM_COUNTS = ShippedPipelinesTest.VQA_EXAMPLES.resolve("socratic-vqa-sam-counts.yaml");

    private Vertx vertx;
    private StandInServices services;
    private final Map<String, Object> seen = new ConcurrentHashMap<>();
    private final AtomicInteger clipCalls = new AtomicInteger();
    /** How many objects the stand-in SAM reports, when set (the VQA variant's count source). */
    private Integer samCount;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        services = new StandInServices(vertx)
                .serve("sam-tiny-everything", Map.class, request -> {
                    seen.put("sam", new LinkedHashMap<>(request));
                    Image image = MapService.image(request, Image.DEFAULT_MAX_PIXELS);
                    List<Map<String, Object>> masks = new ArrayList<>();
                    for (int[] box : squares(image)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("box", List.of(box[0], box[1], box[2], box[3]));
                        m.put("score", 0.9);
                        m.put("area", (box[2] - box[0]) * (box[3] - box[1]));
                        if ("cutout".equals(request.get("crops"))) {
                            m.put("image", png(crop(image, box)));
                        }
                        masks.add(m);
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("masks", masks);
                    out.put("count", samCount != null ? samCount : masks.size());
                    out.put("model", "sam-tiny");
                    return out;
                })
                .serve("clip-tiny-scenes-zero-shot", Map.class, request -> {
                    Image picture = MapService.image(request, Image.DEFAULT_MAX_PIXELS);
                    Map<String, Object> out = new LinkedHashMap<>();
                    if (request.containsKey("labels")) { // the count stage of the VQA pipelines
                        out.put("label", "three");
                    } else {
                        clipCalls.incrementAndGet();
                        out.put("label", colour(picture) + " square");
                    }
                    out.put("scores", Map.of());
                    out.put("model", "clip-tiny-scenes");
                    return out;
                })
                .serve("clipcap-scenes", Image.class, image -> new Text("two red squares"))
                .serve("vqa-question-router", Map.class, request -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("question", request.get("question"));
                    out.put("type", request.get("question").toString().startsWith("How many") ? "count" : "colour");
                    return out;
                })
                .serve("gpt-scene-qa", GenerationRequest.class, request -> {
                    seen.put("prompt", request.prompt());
                    return new Generation(" two", 1, FinishReason.STOP, "gpt-scene-qa", true);
                });
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    /** A 48 x 24 white scene with a red 8 x 8 square at (4, 4) and a blue 6 x 10 one at (30, 10). */
    private static Image scene() {
        Image image = new Image(48, 24, new byte[48 * 24 * 3]);
        java.util.Arrays.fill(image.rgb(), (byte) 255);
        paint(image, new int[] {4, 4, 12, 12}, 230, 20, 20);
        paint(image, new int[] {30, 10, 36, 20}, 20, 20, 230);
        return image;
    }

    private static void paint(Image image, int[] box, int r, int g, int b) {
        for (int y = box[1]; y < box[3]; y++) {
            for (int x = box[0]; x < box[2]; x++) {
                int i = (y * image.width() + x) * 3;
                image.rgb()[i] = (byte) r;
                image.rgb()[i + 1] = (byte) g;
                image.rgb()[i + 2] = (byte) b;
            }
        }
    }

    /** @return the boxes of the non-white rectangles, in row order of their top-left corners */
    private static List<int[]> squares(Image image) {
        List<int[]> boxes = new ArrayList<>();
        boolean[] seen = new boolean[image.width() * image.height()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                if (!seen[y * image.width() + x] && !white(image, x, y)) {
                    int x1 = x;
                    while (x1 < image.width() && !white(image, x1, y)) {
                        x1++;
                    }
                    int y1 = y;
                    while (y1 < image.height() && !white(image, x, y1)) {
                        y1++;
                    }
                    for (int yy = y; yy < y1; yy++) {
                        for (int xx = x; xx < x1; xx++) {
                            seen[yy * image.width() + xx] = true;
                        }
                    }
                    boxes.add(new int[] {x, y, x1, y1});
                }
            }
        }
        return boxes;
    }

    private static boolean white(Image image, int x, int y) {
        int i = (y * image.width() + x) * 3;
        return (image.rgb()[i] & 0xff) > 200 && (image.rgb()[i + 1] & 0xff) > 200 && (image.rgb()[i + 2] & 0xff) > 200;
    }

    private static Image crop(Image image, int[] box) {
        int w = box[2] - box[0];
        int h = box[3] - box[1];
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.rgb(), ((box[1] + y) * image.width() + box[0]) * 3, rgb, y * w * 3, w * 3);
        }
        return new Image(w, h, rgb);
    }

    /** @return "red" or "blue": the larger channel of the picture's mean colour */
    private static String colour(Image picture) {
        long r = 0;
        long b = 0;
        for (int i = 0; i < picture.rgb().length; i += 3) {
            r += picture.rgb()[i] & 0xff;
            b += picture.rgb()[i + 2] & 0xff;
        }
        return r > b ? "red" : "blue";
    }

    private static String png(Image image) {
        return Base64.getEncoder().encodeToString(image.encodePng());
    }

    private JsonObject run(Path file, JsonObject request) throws Exception {
        PipelineParser.Result parsed = ShippedPipelinesTest.parse(file);
        assertThat(parsed.errors()).isEmpty();
        PipelineService p = new PipelineService(vertx, parsed.definition(), services.targets());
        return p.callAsync(request)
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void theShippedFileValidatesAgainstTheServicesItNames() throws Exception {
        PipelineParser.Result parsed = ShippedPipelinesTest.parse(SEGMENT_AND_NAME);
        assertThat(parsed.errors()).isEmpty();
        PipelineValidator.Result valid =
                PipelineValidator.validate(parsed.definition(), ShippedPipelinesTest.SERVICES::get);
        assertThat(valid.errors()).isEmpty();
        assertThat(valid.missingServices()).isEmpty();
        assertThat(parsed.definition().stages().keySet()).containsExactlyInAnyOrder("segments", "names", "objects");
    }

    @Test
    void eachObjectIsNamedFromItsOwnPictureAndKeepsSamsBox() throws Exception {
        JsonObject answer = run(SEGMENT_AND_NAME, new JsonObject().put("image", png(scene())));
        assertThat(answer.getInteger("count")).isEqualTo(2);
        JsonArray items = answer.getJsonArray("items");
        assertThat(items).hasSize(2);
        JsonObject first = items.getJsonObject(0);
        JsonObject second = items.getJsonObject(1);
        assertThat(first.getString("label")).isEqualTo("red square");
        assertThat(first.getJsonArray("box").getList()).containsExactly(4, 4, 12, 12);
        assertThat(first.getDouble("score")).isEqualTo(0.9);
        assertThat(second.getString("label")).isEqualTo("blue square");
        assertThat(second.getJsonArray("box").getList()).containsExactly(30, 10, 36, 20);
        // only the fields 'keep' names come along: not the picture, not the area
        assertThat(first.containsKey("image")).isFalse();
        assertThat(first.containsKey("area")).isFalse();
        assertThat(clipCalls.get()).isEqualTo(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> sam = (Map<String, Object>) seen.get("sam");
        assertThat(sam).containsEntry("crops", "cutout");
        assertThat(sam.get("image")).isInstanceOf(Image.class); // decoded once, where the request arrived
    }

    @Test
    void aSceneWithNothingFoundAnswersNoObjectsAndCountZero() throws Exception {
        Image blank = new Image(16, 16, new byte[16 * 16 * 3]);
        java.util.Arrays.fill(blank.rgb(), (byte) 255);
        JsonObject answer = run(SEGMENT_AND_NAME, new JsonObject().put("image", png(blank)));
        assertThat(answer.getInteger("count")).isZero();
        assertThat(answer.getJsonArray("items")).isEmpty();
        assertThat(clipCalls.get()).isZero();
    }

    @Test
    void noImageIsBadInputNamingTheField() {
        assertThatThrownBy(() -> run(SEGMENT_AND_NAME, new JsonObject()))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains("image");
                });
        assertThat(seen).doesNotContainKey("sam");
    }

    @Test
    void aCorruptImageIsBadInputNamingTheField() {
        String notPng = Base64.getEncoder().encodeToString("not an image at all".getBytes());
        assertThatThrownBy(() -> run(SEGMENT_AND_NAME, new JsonObject().put("image", notPng)))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains("image");
                });
        assertThat(seen).doesNotContainKey("sam");
    }

    @Test
    void theVqaVariantWritesSamsCountAsAWordAndFallsBackToClipsOutsideOneToThree() throws Exception {
        JsonObject request = new JsonObject().put("image", png(scene())).put("question", "How many shapes are there?");
        run(COUNT_SAM, request); // SAM finds the two squares; CLIP's count stage says three
        assertThat(seen.get("prompt"))
                .isEqualTo("scene: red square. count: two. caption: two red squares. text: ."
                        + "\nq: How many shapes are there?\na:");
        for (int n : new int[] {1, 3}) {
            samCount = n;
            run(COUNT_SAM, request);
            assertThat((String) seen.get("prompt")).contains("count: " + (n == 1 ? "one" : "three") + ". caption");
        }
        for (int n : new int[] {0, 4}) {
            samCount = n;
            run(COUNT_SAM, request);
            assertThat((String) seen.get("prompt")).as("SAM found " + n).contains("count: three. caption");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> sam = (Map<String, Object>) seen.get("sam");
        assertThat(sam).doesNotContainKey("crops"); // the count needs no pictures
    }

    @Test
    void theSamCountsVariantAnswersCountQuestionsWithSamAndTheRestWithTheLanguageModel() throws Exception {
        JsonObject count = new JsonObject().put("image", png(scene())).put("question", "How many shapes are there?");
        assertThat(run(SAM_COUNTS, count).getString("text")).isEqualTo("two");
        assertThat(seen).doesNotContainKey("prompt"); // the language model was not asked
        samCount = 3;
        assertThat(run(SAM_COUNTS, count).getString("text")).isEqualTo("three");
        assertThat(seen).doesNotContainKey("prompt");
        for (int n : new int[] {0, 4}) {
            samCount = n;
            assertThat(run(SAM_COUNTS, count).getString("text"))
                    .as("SAM found " + n)
                    .isEqualTo(" two");
            assertThat((String) seen.remove("prompt"))
                    .contains("count: three.")
                    .endsWith("How many shapes are there?\na:");
        }
        seen.remove("sam");
        JsonObject colour = new JsonObject().put("image", png(scene())).put("question", "What colour is the shape?");
        assertThat(run(SAM_COUNTS, colour).getString("text")).isEqualTo(" two"); // the stand-in LM's answer
        assertThat(seen).containsKey("prompt").doesNotContainKey("sam"); // SAM runs for count questions only
    }
}
