package dev.stoa.survey.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Mask;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The segment-and-name cell on real held-out scenes with their exact masks: an oracle that answers each shape's box
 * and the scene's label scores 100% on count, names and found; one that names every object wrong keeps the count and
 * finds every shape but names none; boxes shifted by half their width are not matched; a failed call counts wrong.
 */
class SegmentNameTaskTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
    private static final Map<String, Object> OPTIONS =
            Map.of("split", "test", "image_size", 48, "max_count", 3, "text_probability", 0.5);
    private static final List<SegmentationTasks.MaskedScene> SCENES =
            SegmentationTasks.scenes(new ShapesDatasetFactory(), OPTIONS, 0, 12);
    private static final List<Scene> LABELLED =
            SurveyScenes.draw(new ShapesDatasetFactory(), OPTIONS, 0, 12).get("test");

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    /** Answers every shape's box with a label from {@code name}, each box moved right by {@code shift} of its width. */
    private static Calls answering(java.util.function.Function<Scene, String> name, double shift) {
        return (service, request) -> {
            int i = 0;
            while (!SCENES.get(i).image().equals(request.getString("image"))) {
                i++;
            }
            JsonArray items = new JsonArray();
            // answered in reverse order: matching must not depend on the order
            List<Mask> masks = SCENES.get(i).masks();
            for (int k = masks.size() - 1; k >= 0; k--) {
                int[] b = masks.get(k).box();
                int dx = (int) Math.round(shift * (b[2] - b[0]));
                items.add(new JsonObject()
                        .put("label", name.apply(LABELLED.get(i)))
                        .put("box", new JsonArray(List.of(b[0] + dx, b[1], b[2] + dx, b[3]))));
            }
            return new JsonObject().put("items", items).put("count", masks.size());
        };
    }

    @Test
    void theOracleScoresEverythingAndWrongNamesScoreNoNames() throws InterruptedException {
        assertThat(SCENES.stream().mapToInt(s -> s.masks().size()).sum()).isGreaterThan(12);
        Cell oracle = SegmentNameTask.measure(answering(Scene::label, 0), POOL, "s", SCENES, LABELLED);
        assertThat(oracle.get("count")).isEqualTo(1.0);
        assertThat(oracle.get("names")).isEqualTo(1.0);
        assertThat(oracle.get("found")).isEqualTo(1.0);
        assertThat(oracle.failed()).isZero();

        Cell wrong = SegmentNameTask.measure(
                answering(s -> (s.colour().equals("red") ? "blue " : "red ") + s.shape(), 0),
                POOL,
                "s",
                SCENES,
                LABELLED);
        assertThat(wrong.get("count")).isEqualTo(1.0);
        assertThat(wrong.get("names")).isZero();
        assertThat(wrong.get("found")).isEqualTo(1.0);

        // half a box to the right: IoU 1/3 at most, below the 0.5 of a match
        Cell shifted = SegmentNameTask.measure(answering(Scene::label, 0.5), POOL, "s", SCENES, LABELLED);
        assertThat(shifted.get("found")).isLessThan(0.2);
        assertThat(shifted.get("names")).isEqualTo(shifted.get("found"));
    }

    @Test
    void aFailedCallCountsWrong() throws InterruptedException {
        Calls failing = (service, request) -> {
            throw StoaException.badInput("image", "is corrupt");
        };
        Cell cell = SegmentNameTask.measure(failing, POOL, "s", SCENES, LABELLED);
        assertThat(cell.failed()).isEqualTo(12);
        assertThat(cell.empty()).isTrue();
        assertThat(cell.get("names")).isZero();
        assertThat(cell.failure()).startsWith(FailureCode.BAD_INPUT.name());
    }

    @Test
    void boxIouAndGreedyMatching() {
        assertThat(SegmentNameTask.boxIou(new int[] {0, 0, 4, 4}, new int[] {2, 0, 6, 4}))
                .isCloseTo(8.0 / 24, within(1e-12));
        assertThat(SegmentNameTask.boxIou(new int[] {0, 0, 4, 4}, new int[] {0, 0, 4, 4}))
                .isEqualTo(1.0);
        assertThat(SegmentNameTask.boxIou(new int[] {0, 0, 4, 4}, new int[] {5, 5, 6, 6}))
                .isZero();
        // one answer covering two shapes is matched to one of them only: the one it overlaps more
        List<int[]> pairs = SegmentNameTask.match(
                List.of(new int[] {0, 0, 10, 10}, new int[] {0, 0, 9, 10}), List.of(new int[] {0, 0, 10, 10}));
        assertThat(pairs).hasSize(1);
        assertThat(pairs.get(0)).containsExactly(0, 0);
    }

    @Test
    void scenesThatAreNotTheSameAreRefused() {
        assertThatThrownBy(() -> SegmentNameTask.measure(
                        answering(Scene::label, 0), POOL, "s", SCENES, LABELLED.subList(1, LABELLED.size())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
