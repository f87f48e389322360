package dev.stoa.survey.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.vqa.internal.VqaEvalSetService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's scoring, on the real shapes scenes and the real {@code vqa-eval-set} service. The services it
 * calls are stand-ins that answer from what the scene is (looked up by its image): an oracle must score 100%, a
 * service that always says yes (or always one colour) exactly what chance gives it, and failures must show as
 * such. The models' own services are tested in their bundles.
 */
class SurveyBenchCommandTest {

    private static final ShapesDatasetFactory SHAPES = new ShapesDatasetFactory();
    private static final int N = 60;
    private static Map<String, List<Scene>> scenes;
    private static final Map<String, Scene> BY_IMAGE = new HashMap<>();
    private static ExecutorService pool;

    @BeforeAll
    static void draw() {
        scenes = SurveyScenes.draw(SHAPES, Map.of(), 0, N);
        scenes.values().forEach(list -> list.forEach(s -> BY_IMAGE.put(s.image(), s)));
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static List<Scene> test() {
        return scenes.get("test");
    }

    private static Scene scene(JsonObject request) {
        return BY_IMAGE.get(request.getString("image"));
    }

    @Test
    void scenesAreHeldOutAndTheSameForTheSameSeed() {
        assertThat(test()).hasSize(N);
        assertThat(scenes.get("gallery")).hasSize(N);
        assertThat(SurveyScenes.draw(SHAPES, Map.of(), 0, 5).get("test"))
                .extracting(Scene::image)
                .containsExactlyElementsOf(
                        test().subList(0, 5).stream().map(Scene::image).toList());
        assertThat(test()).extracting(Scene::count).contains(1, 2, 3);
        assertThatThrownBy(() -> SurveyScenes.draw(SHAPES, Map.of("split", "train"), 0, 5))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'train' is not held out");
    }

    @Test
    void matchingScoresAnOracleFullyAndAYesSayerAtHalf() throws Exception {
        Calls oracle = (service, r) ->
                new JsonObject().put("score", r.getString("text").equals(SceneWords.caption(scene(r))) ? 0.9 : 0.1);
        Cell right = new SurveyTasks(oracle, pool, 0).match("m", test(), 3);
        assertThat(right.get("accuracy")).isEqualTo(1.0);
        assertThat(right.measures()).containsKeys("positives", "colour", "shape", "count");

        Cell yes = new SurveyTasks((service, r) -> new JsonObject().put("score", 0.99), pool, 0).match("m", test(), 3);
        assertThat(yes.get("accuracy")).isEqualTo(0.5);
        assertThat(yes.get("positives")).isEqualTo(1.0);
        assertThat(yes.get("colour")).isEqualTo(0.0);
        assertThat(yes.get("count")).isEqualTo(0.0);
    }

    @Test
    void negativesDifferInExactlyOneAttribute() {
        var random = new java.util.SplittableRandom(1);
        for (Scene s : test()) {
            for (SceneWords.Attribute a : SceneWords.Attribute.values()) {
                Scene c = SceneWords.change(s, a, 3, random);
                int differences = (c.colour().equals(s.colour()) ? 0 : 1)
                        + (c.shape().equals(s.shape()) ? 0 : 1)
                        + (c.count() == s.count() ? 0 : 1);
                assertThat(differences).isEqualTo(1);
                assertThat(c.count()).isBetween(1, 3);
            }
        }
    }

    @Test
    void captionsAreReadForColourShapeAndCount() throws Exception {
        assertThat(SceneWords.read("A photo of three small Blue stars."))
                .isEqualTo(new SceneWords.Reading("blue", "star", 3));
        assertThat(SceneWords.read("a red cross")).isEqualTo(new SceneWords.Reading("red", "cross", 1));
        assertThat(SceneWords.read("2 green crosses")).isEqualTo(new SceneWords.Reading("green", "cross", 2));
        assertThat(SceneWords.read("nothing here")).isEqualTo(new SceneWords.Reading(null, null, null));

        Calls wrongColour = (service, r) -> {
            Scene s = scene(r);
            String other = s.colour().equals("red") ? "blue" : "red";
            return new JsonObject()
                    .put("text", "a picture of " + SceneWords.caption(s.with(other, s.shape(), s.count())));
        };
        Cell c = new SurveyTasks(wrongColour, pool, 0).caption("c", test());
        assertThat(c.get("colour")).isEqualTo(0.0);
        assertThat(c.get("shape")).isEqualTo(1.0);
        assertThat(c.get("count")).isEqualTo(1.0);
        assertThat(c.get("colour_shape")).isEqualTo(0.0);
    }

    @Test
    void zeroShotAndRetrievalScoreAnOracleFully() throws Exception {
        Calls oracle = (service, r) -> switch (service) {
            case "z" -> {
                assertThat(r.getJsonArray("labels")).hasSize(30);
                yield new JsonObject().put("label", scene(r).label());
            }
            case "img" -> new JsonObject().put("embedding", oneHot(scene(r)));
            default -> new JsonObject().put("embedding", oneHot(SceneWords.read(r.getString("text"))));
        };
        SurveyTasks tasks = new SurveyTasks(oracle, pool, 0);
        assertThat(tasks.zeroShot("z", test()).get("accuracy")).isEqualTo(1.0);
        assertThat(tasks.retrieval("img", "txt", scenes.get("gallery")).get("recall@1"))
                .isEqualTo(1.0);

        // an image tower that sees only the colour retrieves the right scene about as often as colour implies
        Calls colourOnly = (service, r) -> service.equals("img")
                ? new JsonObject().put("embedding", oneHot(new SceneWords.Reading(scene(r).colour(), "circle", 1)))
                : new JsonObject().put("embedding", oneHot(SceneWords.read(r.getString("text"))));
        assertThat(new SurveyTasks(colourOnly, pool, 0)
                        .retrieval("img", "txt", scenes.get("gallery"))
                        .get("recall@1"))
                .isLessThan(0.6);

        // an answer without an embedding is a failure of that item, named, not a crash of the command
        Calls noEmbedding = (service, r) -> new JsonObject().put("something", 1);
        Cell none = new SurveyTasks(noEmbedding, pool, 0).retrieval("img", "txt", scenes.get("gallery"));
        assertThat(none.empty()).isTrue();
        assertThat(none.failure()).contains("without an 'embedding'");
    }

    @Test
    void vqaIsScoredByTheEvaluationSetService() throws Exception {
        VqaEvalSetService set = new VqaEvalSetService(SHAPES);
        Map<String, String> answers = new HashMap<>();
        JsonArray items = new JsonObject(set.call(Map.of("n", 40, "seed", 0, "image_size", 96))).getJsonArray("items");
        items.forEach(i -> {
            JsonObject item = (JsonObject) i;
            answers.put(item.getString("image") + "|" + item.getString("question"), item.getString("answer"));
        });
        Calls oracle = (service, r) -> service.equals("vqa-eval-set")
                ? new JsonObject(set.call(r.getMap()))
                : new JsonObject().put("text", answers.get(r.getString("image") + "|" + r.getString("question")));
        Cell right = new SurveyTasks(oracle, pool, 0).vqa("p", 40);
        assertThat(right.get("accuracy")).isEqualTo(1.0);
        assertThat(right.measures()).containsKeys("colour", "shape", "count");

        Calls red = (service, r) -> service.equals("vqa-eval-set")
                ? new JsonObject(set.call(r.getMap()))
                : new JsonObject().put("text", "red");
        Cell always = new SurveyTasks(red, pool, 0).vqa("p", 40);
        assertThat(always.get("shape")).isEqualTo(0.0);
        assertThat(always.get("accuracy")).isLessThan(0.3);
    }

    @Test
    void theCommandPrintsOneTableAndSaysWhyARowHasNoNumber(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/survey-benchmark.yaml"), """
                rows:
                  - name: Oracle
                    paper: nobody 2026
                    models: [oracle-tiny]
                    match: oracle-match
                    caption: oracle-caption
                  - name: Untrained
                    match: untrained-match
                  - name: Absent
                    caption: absent-caption
                """);
        Path version = Files.createDirectories(home.resolve("data/models/oracle-tiny/3"));
        Files.writeString(
                version.resolve("train-report.json"),
                new JsonObject()
                        .put("steps", 1500)
                        .put("seconds", 123.4)
                        .put("model", new JsonObject().put("parameters", "283574"))
                        .encode());
        Calls calls = (service, r) -> switch (service) {
            case "oracle-match" ->
                new JsonObject().put("score", r.getString("text").equals(SceneWords.caption(scene(r))) ? 1.0 : 0.0);
            case "oracle-caption" -> new JsonObject().put("text", SceneWords.caption(scene(r)));
            case "untrained-match" -> throw new StoaException(FailureCode.UNTRAINED, "untrained-tiny is not trained");
            default -> throw new StoaException(FailureCode.UNKNOWN_SERVICE, "no service " + service);
        };
        SurveyBenchCommand command = new SurveyBenchCommand(SHAPES, null, calls, home);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.run(List.of("--n", "20"), print(out), print(err));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(0);
        assertThat(table)
                .contains(
                        "| Oracle (nobody 2026) | 100.0% | 100.0% (100.0% / 100.0% / 100.0%) | 283,574 | 1500 | 123 s |")
                .contains("| Untrained | not trained | - |")
                .contains("| Absent | - | absent |")
                .contains("Untrained, match: UNTRAINED: untrained-tiny is not trained");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Oracle").contains("match");

        // only some rows; a bad option; a row file with a typo
        out.reset();
        assertThat(command.run(List.of("--n", "10", "--only", "absent"), print(out), print(err)))
                .isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| Absent |").doesNotContain("| Oracle");
        assertThat(command.run(List.of("--n", "x"), print(out), print(err))).isEqualTo(2);
        Files.writeString(home.resolve("typo.yaml"), "rows:\n  - name: A\n    matches: a-match\n");
        err.reset();
        assertThat(command.run(List.of("--rows", "typo.yaml"), print(out), print(err)))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rows[0]: unknown key 'matches'; use name");
    }

    @Test
    void theShippedRowsFileParses() throws Exception {
        Path shipped = Path.of("../../distribution/src/main/dist/etc/survey-benchmark.yaml");
        SurveyRows rows = SurveyRows.parse(Files.readString(shipped), shipped.toString());
        assertThat(rows.rows()).extracting(SurveyRows.Row::name).contains("VisualBERT", "ClipCap", "Socratic VQA");
        assertThatThrownBy(() -> SurveyRows.parse("rows:\n  - name: X\n    image: x-image\n", "f"))
                .hasMessageContaining("retrieval needs both 'image' and 'text'");
        assertThatThrownBy(() -> SurveyRows.parse("rows: []", "f")).hasMessageContaining("'rows' must be a list");
        assertThatThrownBy(() -> SurveyRows.parse("rows:\n  - name: A, B\n    caption: x-caption\n", "f"))
                .hasMessageContaining(".name 'A, B' has a comma");
    }

    private static JsonArray oneHot(Scene s) {
        return oneHot(new SceneWords.Reading(s.colour(), s.shape(), s.count()));
    }

    private static JsonArray oneHot(SceneWords.Reading r) {
        JsonArray v = new JsonArray();
        for (int i = 0; i < 6 + 5 + 3; i++) {
            v.add(0.0);
        }
        v.set(SceneWords.COLOURS.indexOf(r.colour()), 1.0);
        v.set(6 + SceneWords.SHAPES.indexOf(r.shape()), 1.0);
        v.set(11 + r.count() - 1, 1.0);
        return v;
    }

    private static PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }
}
