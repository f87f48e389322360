package dev.stoa.models.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Segment;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.model.ModelService;
import dev.stoa.vertx.Payloads;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services of a stored version, opened from its store folder as the model repository opens it: the contract
 * (masks at the input's size, best first, the bus's segment JSON) and bad input. The version is freshly initialised:
 * the contract does not depend on training (the learning test checks that).
 */
class SamServicesTest {

    @TempDir
    static Path store;

    private static Dataset data;
    private static SamInference served;
    private static Map<String, ModelService> services;
    private static float[][] expectedScores;

    @BeforeAll
    static void saveAndOpen() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(6);
        data = SamTestSupport.scenes();
        SamTrainable model = SamFactory.create("sam-tiny", SamTestSupport.config());
        Path version = Files.createDirectories(store.resolve("sam-tiny/1"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            model.save(version, null, data);
            ParameterStore ps = new ParameterStore(m, false);
            SamPredictor p = new SamPredictor(model.block());
            expectedScores = p.predict(m, ps, p.embed(m, ps, image()), List.of(SamPrompt.point(0.5f, 0.5f)))
                    .scores();
        }
        served = SamModels.open("sam-tiny", version, "PyTorch");
        services = new HashMap<>();
        for (ModelService s : SamModels.services(served)) {
            services.put(s.id(), s);
        }
    }

    @AfterAll
    static void close() throws Exception {
        served.close();
        data.close();
    }

    private static Image image() {
        return data.split("test").get(0).image();
    }

    private static String png(Image image) {
        return Base64.getEncoder().encodeToString(image.encodePng());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(String service, Object... kv) {
        Map<String, Object> r = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1]);
        }
        return ((StoaService<Map<String, Object>, Map<String, Object>>)
                        services.get(service).service())
                .call(r);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> masks(Map<String, Object> answer) {
        return (List<Map<String, Object>>) answer.get("masks");
    }

    @Test
    void theVersionRegistersSegmentAndEverything() {
        assertThat(services.keySet()).containsExactlyInAnyOrder("sam-tiny-segment", "sam-tiny-everything");
        assertThat(services.get("sam-tiny-segment").properties()).containsEntry("sam.image.size", 32);
    }

    @Test
    void segmentAnswersThreeMasksAtTheInputsSizeBestFirstAsTheBusWritesSegments() {
        // the point at the image's centre, in the pixels of a 48 x 40 copy of the image (stretched)
        Image big = stretch(image(), 48, 40);
        List<Map<String, Object>> masks =
                masks(call("sam-tiny-segment", "image", png(big), "points", List.of(List.of(23.5, 19.5))));
        assertThat(masks).hasSize(3);
        double last = Double.MAX_VALUE;
        for (Map<String, Object> m : masks) {
            double score = ((Number) m.get("score")).doubleValue();
            assertThat(score).isLessThanOrEqualTo(last);
            last = score;
            Segment s = Payloads.fromJson(new JsonObject(m), Segment.class);
            assertThat(s.mask().width()).isEqualTo(48);
            assertThat(s.mask().height()).isEqualTo(40);
            assertThat(s.box()).containsExactly(s.mask().box());
            // the map is exactly what the bus writes for the segment
            assertThat(new JsonObject(m).encode()).isEqualTo(Payloads.toJson(s).encode());
        }
        // the scores are the model's for the same prompt: pixel (15.5, 15.5) is read at its centre, 16 / 32 = 0.5
        float best = Math.max(expectedScores[0][0], Math.max(expectedScores[0][1], expectedScores[0][2]));
        List<Map<String, Object>> same =
                masks(call("sam-tiny-segment", "image", png(image()), "points", List.of(List.of(15.5, 15.5))));
        assertThat(((Number) same.get(0).get("score")).floatValue())
                .isCloseTo(best, org.assertj.core.api.Assertions.within(1e-5f));
        List<Map<String, Object>> one = masks(
                call("sam-tiny-segment", "image", png(image()), "box", List.of(2, 3, 20, 30), "multimask", false));
        assertThat(one).hasSize(1);
    }

    @Test
    void everythingAnswersMasksAndTheirCount() {
        Map<String, Object> answer = call(
                "sam-tiny-everything",
                "image",
                png(image()),
                "points_per_side",
                4,
                "min_score",
                0.0,
                "min_stability",
                0.0);
        assertThat(answer.get("count")).isEqualTo(masks(answer).size());
        for (Map<String, Object> m : masks(answer)) {
            Mask mask = Payloads.fromJson(new JsonObject(m), Segment.class).mask();
            assertThat(mask.width()).isEqualTo(32);
        }
    }

    @Test
    void everythingAnswersEachSegmentsPictureWhenAskedForCrops() {
        Image image = image();
        Object[] loose = {"points_per_side", 4, "min_score", 0.0, "min_stability", 0.0};
        List<Map<String, Object>> plain = masks(call("sam-tiny-everything", with(loose, "image", png(image))));
        assertThat(plain).allSatisfy(m -> assertThat(m).doesNotContainKey("image"));
        List<Map<String, Object>> cut =
                masks(call("sam-tiny-everything", with(loose, "image", png(image), "crops", "cutout")));
        List<Map<String, Object>> boxed =
                masks(call("sam-tiny-everything", with(loose, "image", png(image), "crops", "box")));
        assertThat(cut).isNotEmpty().hasSameSizeAs(plain).hasSameSizeAs(boxed);
        for (int i = 0; i < cut.size(); i++) {
            Segment s = Payloads.fromJson(new JsonObject(plain.get(i)), Segment.class);
            // the segment's own fields are the same with or without its picture
            Map<String, Object> withoutPicture = new java.util.LinkedHashMap<>(cut.get(i));
            withoutPicture.remove("image");
            assertThat(withoutPicture).isEqualTo(plain.get(i));
            Image cutout =
                    Image.decode(Base64.getDecoder().decode((String) cut.get(i).get("image")));
            assertThat(cutout.width()).isEqualTo(image.width());
            assertThat(cutout.height()).isEqualTo(image.height());
            // inside the mask the picture is the image's own pixel
            int[] b = s.box();
            for (int y = b[1]; y < b[3]; y++) {
                for (int x = b[0]; x < b[2]; x++) {
                    if (s.mask().get(x, y)) {
                        int p = (y * image.width() + x) * 3;
                        assertThat(cutout.rgb()[p]).isEqualTo(image.rgb()[p]);
                    }
                }
            }
            Image crop = Image.decode(
                    Base64.getDecoder().decode((String) boxed.get(i).get("image")));
            assertThat(crop.width()).isEqualTo(Math.max(1, b[2] - b[0]));
            assertThat(crop.height()).isEqualTo(Math.max(1, b[3] - b[1]));
        }
        bad(() -> call("sam-tiny-everything", "image", png(image), "crops", "yes"), "'crops': is yes");
    }

    @Test
    void aMaskPromptReachesTheModelAndTheSameRequestGivesTheSameAnswer() {
        String img = png(image());
        Mask shape = SceneMasks.of(data.split("test").get(0)).get(0);
        int[] c = MaskOps.innermost(shape);
        List<List<Integer>> point = List.of(List.of(c[0], c[1]));
        String mask = Base64.getEncoder().encodeToString(shape.encodePng());
        Map<String, Object> without = call("sam-tiny-segment", "image", img, "points", point);
        Map<String, Object> with = call("sam-tiny-segment", "image", img, "points", point, "mask", mask);
        assertThat(scores(with)).isNotEqualTo(scores(without));
        // deterministic: the same request, the same answer to the last bit
        assertThat(call("sam-tiny-segment", "image", img, "points", point, "mask", mask))
                .isEqualTo(with);
        // what the mask says reaches the model, not only that there is one: its complement answers otherwise
        byte[] flipped = shape.bits().clone();
        for (int i = 0; i < flipped.length; i++) {
            flipped[i] = (byte) (1 - flipped[i]);
        }
        String complement =
                Base64.getEncoder().encodeToString(new Mask(shape.width(), shape.height(), flipped).encodePng());
        assertThat(scores(call("sam-tiny-segment", "image", img, "points", point, "mask", complement)))
                .isNotEqualTo(scores(with));
        // the answer is the model's for training's coarse prompt of that mask
        Image image = image();
        SamPrompt prompt = new SamPrompt(
                new float[] {(c[0] + 0.5f) / image.width(), (c[1] + 0.5f) / image.height()},
                new long[] {SamPrompt.POSITIVE},
                MaskOps.coarse(shape, served.config().maskSize(), SamPrompt.MASK_CELL));
        assertThat(scores(with))
                .containsExactlyElementsOf(served.segment(image, prompt, true).stream()
                        .map(Segment::score)
                        .toList());
        // refine: a previous answer's mask goes back as it is, and the answer stays at the input's size
        Image big = stretch(image, 48, 40);
        List<List<Double>> bigPoint = List.of(List.of(c[0] * 1.5, c[1] * 1.25));
        Map<String, Object> first = call("sam-tiny-segment", "image", png(big), "points", bigPoint);
        Object previous = masks(first).get(0).get("mask");
        Map<String, Object> refined =
                call("sam-tiny-segment", "image", png(big), "points", bigPoint, "mask", previous, "multimask", false);
        assertThat(masks(refined)).hasSize(1);
        Mask answer = Payloads.fromJson(new JsonObject(masks(refined).get(0)), Segment.class)
                .mask();
        assertThat(answer.width()).isEqualTo(48);
        assertThat(answer.height()).isEqualTo(40);
        assertThat(scores(refined).get(0)).isNotEqualTo(scores(first).get(0));
    }

    private static List<Double> scores(Map<String, Object> answer) {
        return masks(answer).stream()
                .map(m -> ((Number) m.get("score")).doubleValue())
                .toList();
    }

    private static Object[] with(Object[] kv, Object... more) {
        Object[] out = java.util.Arrays.copyOf(kv, kv.length + more.length);
        System.arraycopy(more, 0, out, kv.length, more.length);
        return out;
    }

    @Test
    void badInputNamesTheField() {
        String img = png(image());
        bad(() -> call("sam-tiny-segment", "image", img), "'points': is missing and so is 'box'");
        bad(
                () -> call("sam-tiny-segment", "image", img, "points", List.of(List.of(40, 3))),
                "'points[0]': (40.0, 3.0) is outside the 32x32 image");
        bad(() -> call("sam-tiny-segment", "image", img, "points", List.of(List.of(-1, 3))), "'points[0]'");
        bad(
                () -> call("sam-tiny-segment", "image", img, "box", List.of(20, 3, 10, 30)),
                "'box': is [20.0, 3.0, 10.0, 30.0]");
        bad(() -> call("sam-tiny-segment", "image", img, "box", List.of(1, 2, 3)), "'box': has 3 numbers");
        List<List<Integer>> many = java.util.Collections.nCopies(SamRequests.MAX_POINTS + 1, List.of(1, 1));
        bad(() -> call("sam-tiny-segment", "image", img, "points", many), "'points': has 17 points; send at most 16");
        bad(
                () -> call(
                        "sam-tiny-segment",
                        "image",
                        img,
                        "points",
                        List.of(List.of(1, 1)),
                        "point_labels",
                        List.of(1, 0)),
                "'point_labels': has 2 labels for 1 points");
        bad(
                () -> call(
                        "sam-tiny-segment", "image", img, "points", List.of(List.of(1, 1)), "point_labels", List.of(3)),
                "'point_labels[0]'");
        bad(
                () -> call("sam-tiny-segment", "image", img, "points", List.of(List.of(1, 1)), "multimask", "yes"),
                "'multimask'");
        bad(() -> call("sam-tiny-segment", "points", List.of(List.of(1, 1))), "'image'");
        String mask = Base64.getEncoder().encodeToString(new Mask(32, 32, new byte[32 * 32]).encodePng());
        bad(() -> call("sam-tiny-segment", "image", img, "mask", mask), "'points': is missing and so is 'box'; 'mask'");
        bad(
                () -> call(
                        "sam-tiny-segment", "image", img, "points", List.of(List.of(1, 1)), "mask", img.substring(4)),
                "'mask': is not a PNG file");
        bad(() -> call("sam-tiny-everything", "image", img, "points_per_side", 0), "'points_per_side'");
        bad(() -> call("sam-tiny-everything", "image", img, "points_per_side", 33), "'points_per_side'");
        bad(() -> call("sam-tiny-everything", "image", img, "iou_threshold", 1.5), "'iou_threshold'");
    }

    private static void bad(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining(message);
    }

    private static Image stretch(Image image, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = x * image.width() / w;
                int sy = y * image.height() / h;
                System.arraycopy(image.rgb(), (sy * image.width() + sx) * 3, rgb, (y * w + x) * 3, 3);
            }
        }
        return new Image(w, h, rgb);
    }
}
