package dev.stoa.survey.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The video tasks on clips laid out as {@code shapes-clips} draws them (frames side by side), whose frames say their
 * time by their grey level: an ordering service that sorts by it must score 100%, one that returns the frames as
 * sent must not, and one that reverses time scores no pair.
 */
class VideoTasksTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    private static Clip clip(int index, int frames, String end) {
        int side = 8;
        byte[] rgb = new byte[frames * side * side * 3];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < frames * side; x++) {
                int k = x / side;
                for (int c = 0; c < 3; c++) {
                    rgb[(y * frames * side + x) * 3 + c] = (byte) (20 + 40 * k + index % 7);
                }
            }
        }
        Example e = new Example(
                "clip-" + index,
                new Image(frames * side, side, rgb),
                List.of("a red circle appears"),
                null,
                Map.of(
                        "frames",
                        "" + frames,
                        "frame_size",
                        "" + side,
                        "shape",
                        "circle",
                        "start_colour",
                        "red",
                        "end_colour",
                        end));
        return Clip.of(e);
    }

    private static int time(String png) {
        Image frame = Image.decode(Base64.getDecoder().decode(png));
        return Math.round(((frame.rgb()[0] & 0xff) - 20) / 40f);
    }

    private static List<Clip> clips() {
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.add(clip(i, 4 + i % 3, (i % 7) % 2 == 0 ? "blue" : "green"));
        }
        return out;
    }

    @Test
    void framesAreCutInTimeOrder() {
        Clip c = clip(0, 5, "blue");
        assertThat(c.frames()).hasSize(5);
        for (int k = 0; k < 5; k++) {
            assertThat(time(c.frames().get(k))).isEqualTo(k);
        }
        Example wrong =
                new Example("x", new Image(8, 8, new byte[8 * 8 * 3]), List.of("c"), null, Map.of("frames", "4"));
        assertThatThrownBy(() -> Clip.of(wrong)).hasMessageContaining("no 'frame_size'");
    }

    @Test
    void orderingIsScoredWholeAndByPairs() throws Exception {
        Calls sorter = (service, r) -> {
            JsonArray frames = r.getJsonArray("frames");
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                idx.add(i);
            }
            idx.sort((a, b) -> Integer.compare(time(frames.getString(a)), time(frames.getString(b))));
            return new JsonObject().put("order", new JsonArray(new ArrayList<>(idx)));
        };
        Cell right = new SurveyTasks(sorter, POOL, 0).order("o", clips());
        assertThat(right.get("accuracy")).isEqualTo(1.0);
        assertThat(right.get("pairwise")).isEqualTo(1.0);

        Calls asSent = (service, r) -> {
            JsonArray order = new JsonArray();
            for (int i = 0; i < r.getJsonArray("frames").size(); i++) {
                order.add(i);
            }
            return new JsonObject().put("order", order);
        };
        assertThat(new SurveyTasks(asSent, POOL, 0).order("o", clips()).get("accuracy"))
                .isEqualTo(0.0);

        Calls reversed = (service, r) -> {
            JsonArray sorted = sorter.call(service, r).getJsonArray("order");
            JsonArray back = new JsonArray();
            for (int i = sorted.size() - 1; i >= 0; i--) {
                back.add(sorted.getValue(i));
            }
            return new JsonObject().put("order", back);
        };
        Cell none = new SurveyTasks(reversed, POOL, 0).order("o", clips());
        assertThat(none.get("pairwise")).isEqualTo(0.0);
        Calls garbage = (service, r) ->
                new JsonObject().put("order", new JsonArray().add("x").add(99));
        assertThat(new SurveyTasks(garbage, POOL, 0).order("o", clips()).get("pairwise"))
                .isEqualTo(0.0);
    }

    @Test
    void clipQuestionsAreScoredByTheAttributeTheyAsk() throws Exception {
        Calls oracle = (service, r) -> {
            String q = r.getString("question");
            return new JsonObject()
                    .put(
                            "text",
                            q.contains("end") ? "it is " + colourAtEnd(r) : q.contains("start") ? "Red." : "a circle");
        };
        Cell c = new SurveyTasks(oracle, POOL, 0).clipQa("qa", clips());
        assertThat(c.get("accuracy")).isEqualTo(1.0);
        assertThat(c.measures())
                .containsKeys("start_colour", "end_colour", "shape")
                .doesNotContainKey("direction");

        Calls blue = (service, r) -> new JsonObject().put("text", "blue");
        Cell b = new SurveyTasks(blue, POOL, 0).clipQa("qa", clips());
        long endBlue = clips().stream()
                .filter(x -> x.attributes().get("end_colour").equals("blue"))
                .count();
        assertThat(b.get("end_colour")).isEqualTo(endBlue / 30.0).isBetween(0.3, 0.8);
        assertThat(b.get("start_colour")).isEqualTo(0.0);
    }

    /** The test's clips end blue when their index mod 7 is even; that is in the frames' grey level. */
    private static String colourAtEnd(JsonObject r) {
        Image frame =
                Image.decode(Base64.getDecoder().decode(r.getJsonArray("frames").getString(0)));
        int index = ((frame.rgb()[0] & 0xff) - 20) % 40; // i % 7
        return index % 2 == 0 ? "blue" : "green";
    }
}
