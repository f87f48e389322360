package dev.stoa.survey.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The segmentation cells on real held-out scenes with their exact masks: a service that answers the exact mask of
 * the prompted shape scores 100%, one that answers nothing scores 0, and the everything count is right only when the
 * count is the number of shapes.
 */
class SegmentationTasksTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    private static final List<SegmentationTasks.MaskedScene> SCENES = SegmentationTasks.scenes(
            new ShapesDatasetFactory(),
            Map.of("split", "test", "image_size", 48, "max_count", 3, "text_probability", 0.5),
            0,
            12);

    private static JsonObject answer(Mask m) {
        return new JsonObject()
                .put(
                        "masks",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("mask", Base64.getEncoder().encodeToString(m.encodePng()))));
    }

    /** Answers the exact mask of the shape the point is in, or whose box is the prompt. */
    private static JsonObject oracle(String service, JsonObject request) {
        String image = request.getString("image");
        SegmentationTasks.MaskedScene scene =
                SCENES.stream().filter(s -> s.image().equals(image)).findFirst().orElseThrow();
        if (service.equals("everything")) {
            return new JsonObject().put("count", scene.masks().size());
        }
        for (Mask m : scene.masks()) {
            if (request.containsKey("points")) {
                JsonArray p = request.getJsonArray("points").getJsonArray(0);
                if (m.get(p.getInteger(0), p.getInteger(1))) {
                    return answer(m);
                }
            } else if (new JsonArray(java.util.Arrays.stream(m.box()).boxed().toList())
                    .equals(request.getJsonArray("box"))) {
                return answer(m);
            }
        }
        throw new AssertionError("no shape for " + request.fieldNames());
    }

    @Test
    void theExactMasksScoreEverythingAndNothingScoresNothing() throws InterruptedException {
        assertThat(SCENES).hasSize(12);
        assertThat(SCENES.stream().mapToInt(s -> s.masks().size()).sum()).isGreaterThan(12);
        Cell exact = SegmentationTasks.segment(SegmentationTasksTest::oracle, POOL, "segment", SCENES);
        assertThat(exact.get("point")).isCloseTo(1.0, within(1e-9));
        assertThat(exact.get("box")).isCloseTo(1.0, within(1e-9));
        assertThat(exact.failed()).isZero();
        Cell counted = SegmentationTasks.everything(SegmentationTasksTest::oracle, POOL, "everything", SCENES);
        assertThat(counted.get("accuracy")).isEqualTo(1.0);

        Mask blank = new Mask(48, 48, new byte[48 * 48]);
        Cell none = SegmentationTasks.segment((s, r) -> answer(blank), POOL, "segment", SCENES);
        assertThat(none.get("point")).isZero();
        assertThat(none.get("box")).isZero();
        Cell zero =
                SegmentationTasks.everything((s, r) -> new JsonObject().put("count", 0), POOL, "everything", SCENES);
        assertThat(zero.get("accuracy")).isZero();
    }

    @Test
    void theInnermostPixelIsTheCentreOfASquare() {
        byte[] bits = new byte[7 * 7];
        for (int y = 1; y <= 5; y++) {
            for (int x = 1; x <= 5; x++) {
                bits[y * 7 + x] = 1;
            }
        }
        assertThat(SegmentationTasks.innermost(new Mask(7, 7, bits))).containsExactly(3, 3);
        // the images sent are the dataset's PNGs
        Image first = Image.decode(Base64.getDecoder().decode(SCENES.get(0).image()));
        assertThat(first.width()).isEqualTo(48);
    }
}
