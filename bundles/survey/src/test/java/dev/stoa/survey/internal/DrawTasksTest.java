package dev.stoa.survey.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drawing cells on the real shapes prompts with the real {@link dev.stoa.nn.eval.ShapeJudge}. The draw services
 * and the CLIP judge here are stand-ins: bundles/survey calls models by service id and must not depend on a model
 * bundle (DALL-E, GLIDE, CLIP) even in its tests, and a stored model's answers would not say what the right score
 * is. The stand-in painter answers the dataset's own picture of the prompted colour and shape (so the score must be
 * what the pixel judge reads on real pictures), or that picture with its colours turned a third of the way round
 * the hue circle (every colour becomes another, the shape stays), or broken answers; the stand-in CLIP knows each
 * real picture's label. The real services are measured by {@code bin/stoa bench-survey} (docs/survey-benchmark.md).
 */
class DrawTasksTest {

    private static final ShapesDatasetFactory SHAPES = new ShapesDatasetFactory();
    private static final int N = 20;
    private static List<DrawTasks.Prompt> prompts;
    /** prompt text -> a real picture of it; picture -> its label. */
    private static final Map<String, String> PICTURE = new HashMap<>();

    private static final Map<String, String> LABEL = new HashMap<>();
    private static ExecutorService pool;

    @BeforeAll
    static void draw() {
        prompts = DrawTasks.prompts(SHAPES, Map.of(), 0, N);
        for (DrawTasks.Prompt p : prompts) {
            PICTURE.putIfAbsent(p.text(), p.image());
            LABEL.put(p.image(), p.colour() + " " + p.shape());
        }
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static JsonObject images(String... base64) {
        JsonArray a = new JsonArray();
        for (String b : base64) {
            a.add(new JsonObject().put("image", b));
        }
        return new JsonObject().put("images", a);
    }

    /** The CLIP stand-in: the label of a real picture, "red circle" for anything else. */
    private static JsonObject clip(JsonObject request) {
        assertThat(request.getJsonArray("labels")).hasSize(30).contains("red circle", "purple cross");
        return new JsonObject().put("label", LABEL.getOrDefault(request.getString("image"), "red circle"));
    }

    /** The picture with (r, g, b) -> (b, r, g): the hue turns by 120 degrees, the shape stays. */
    private static String turned(String base64) {
        Image i = Image.decode(Base64.getDecoder().decode(base64));
        byte[] rgb = i.rgb().clone();
        for (int k = 0; k < rgb.length; k += 3) {
            byte r = rgb[k];
            rgb[k] = rgb[k + 2];
            rgb[k + 2] = rgb[k + 1];
            rgb[k + 1] = r;
        }
        return Base64.getEncoder().encodeToString(new Image(i.width(), i.height(), rgb).encodePng());
    }

    @Test
    void promptsAreTheFirstHeldOutExamplesOfEachSplitWithASeedEach() {
        assertThat(prompts).hasSize(2 * N);
        assertThat(prompts.subList(0, N)).extracting(DrawTasks.Prompt::split).containsOnly("test");
        assertThat(prompts.subList(N, 2 * N))
                .extracting(DrawTasks.Prompt::split)
                .containsOnly("test-unseen");
        // test-unseen holds exactly the pairs no training split has
        assertThat(prompts.subList(N, 2 * N))
                .extracting(DrawTasks.Prompt::text)
                .containsAnyOf("a green triangle", "a blue star", "a red cross")
                .allMatch(t -> List.of("a green triangle", "a blue star", "a red cross")
                        .contains(t));
        assertThat(prompts).extracting(DrawTasks.Prompt::seed).doesNotHaveDuplicates();
        assertThat(DrawTasks.prompts(SHAPES, Map.of(), 0, N)).isEqualTo(prompts);
        assertThat(DrawTasks.prompts(SHAPES, Map.of(), 1, N)).isNotEqualTo(prompts);
        assertThatThrownBy(() -> DrawTasks.prompts(SHAPES, Map.of("max_count", 3), 0, 2))
                .hasMessageContaining("drawn.max_count");
    }

    @Test
    void theRealPicturesScoreWhatThePixelJudgeReadsAndAColourBlindPainterNoColour() throws Exception {
        DrawTasks.Judged real = DrawTasks.real((s, r) -> clip(r), pool, "clip", prompts);
        assertThat(real.shapeJudge().get("test")).isGreaterThanOrEqualTo(0.95);
        assertThat(real.shapeJudge().get("test-unseen")).isGreaterThanOrEqualTo(0.95);
        assertThat(real.clip().get("test")).isEqualTo(1.0);
        assertThat(real.clip().get("test-unseen")).isEqualTo(1.0);

        ConcurrentLinkedQueue<JsonObject> asked = new ConcurrentLinkedQueue<>();
        Calls painter = (service, r) -> {
            if (service.equals("clip")) {
                return clip(r);
            }
            asked.add(r);
            return images(PICTURE.get(r.getString("text")));
        };
        DrawTasks.Judged right = DrawTasks.draw(painter, pool, "paint", Map.of("guidance_scale", 3), "clip", prompts);
        assertThat(right.shapeJudge().get("test")).isGreaterThanOrEqualTo(0.95);
        assertThat(right.shapeJudge().get("test/colour")).isEqualTo(1.0);
        assertThat(right.clip().get("test")).isEqualTo(1.0);
        assertThat(right.clip().get("test-unseen")).isEqualTo(1.0);
        assertThat(right.shapeJudge().failed()).isZero();
        assertThat(asked).hasSize(2 * N).allSatisfy(r -> {
            assertThat(r.getInteger("n")).isEqualTo(1);
            assertThat(r.getInteger("guidance_scale")).isEqualTo(3);
            assertThat(r.getString("text")).matches("a [a-z]+ [a-z]+");
        });
        assertThat(asked).extracting(r -> r.getLong("seed")).doesNotHaveDuplicates();

        Calls colourBlind =
                (service, r) -> service.equals("clip") ? clip(r) : images(turned(PICTURE.get(r.getString("text"))));
        DrawTasks.Judged wrong = DrawTasks.draw(colourBlind, pool, "paint", Map.of(), "clip", prompts);
        for (String split : DrawTasks.SPLITS) {
            assertThat(wrong.shapeJudge().get(split + "/colour")).isZero();
            assertThat(wrong.shapeJudge().get(split)).isZero();
            assertThat(wrong.shapeJudge().get(split + "/shape")).isGreaterThanOrEqualTo(0.95);
            // the stand-in CLIP does not know these pictures: "red circle"
            assertThat(wrong.clip().get(split)).isLessThan(0.5);
        }
        assertThat(wrong.shapeJudge().failed()).isZero();
    }

    @Test
    void answersWithoutAPictureCountWrongAndAreNamedNotThrown() throws Exception {
        ConcurrentLinkedQueue<String> judged = new ConcurrentLinkedQueue<>();
        Calls broken = (service, r) -> {
            if (service.equals("clip")) {
                judged.add(r.getString("image"));
                return clip(r);
            }
            return switch ((int) (r.getLong("seed") % 5)) {
                case 0 -> new JsonObject().put("text", r.getString("text")); // no images
                case 1 -> new JsonObject().put("images", new JsonArray());
                case 2 -> images(Base64.getEncoder().encodeToString("not a png".getBytes(StandardCharsets.UTF_8)));
                case 3 -> images("%%% not base64");
                default -> images(PICTURE.get(r.getString("text")));
            };
        };
        DrawTasks.Judged j = DrawTasks.draw(broken, pool, "paint", Map.of(), "clip", prompts);
        int good = (int) prompts.stream().filter(p -> p.seed() % 5 == 4).count();
        assertThat(j.shapeJudge().failed()).isEqualTo(prompts.size() - good);
        assertThat(j.clip().failed()).isEqualTo(prompts.size() - good);
        assertThat(j.shapeJudge().failure()).startsWith("BAD_INPUT: paint answered without 'images'");
        assertThat(j.shapeJudge().get("test") + j.shapeJudge().get("test-unseen"))
                .isGreaterThan(0)
                .isLessThanOrEqualTo(0.2 * 2 + 0.05);
        // only the pictures are shown to the CLIP judge
        assertThat(judged).hasSize(good);

        // a corrupt PNG alone
        DrawTasks.Judged corrupt = DrawTasks.draw(
                (s, r) -> s.equals("clip") ? clip(r) : images("iVBORw0KGgo="),
                pool,
                "paint",
                Map.of(),
                "clip",
                prompts);
        assertThat(corrupt.shapeJudge().empty()).isTrue();
        assertThat(corrupt.shapeJudge().failure()).contains("not a picture");
    }

    @Test
    void theCommandShowsBothJudgesTheirCheckAndWhyARowHasNoNumber(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/survey-benchmark.yaml"), """
                drawn:
                  clip: clip-judge
                rows:
                  - name: Painter
                    paper: nobody 2026
                    draw: painter-draw
                    draw_request: {guidance_scale: 3}
                  - name: Untrained painter
                    draw: untrained-draw
                    draw_request: {rerank: false}
                  - name: CoCa
                    zero_shot: absent-zero-shot
                  - name: Never trained
                    models: [never-tiny]
                    draw: never-tiny-draw
                  - name: Stored
                    models: [stored-tiny]
                    draw: stored-tiny-draw
                """);
        Files.createDirectories(home.resolve("data/models/stored-tiny/1"));
        Calls calls = (service, r) -> switch (service) {
            case "clip-judge" -> clip(r);
            case "painter-draw" -> images(PICTURE.get(r.getString("text")));
            case "untrained-draw" -> throw new StoaException(FailureCode.UNTRAINED, "glide-tiny is not trained");
            default -> throw new StoaException(FailureCode.UNKNOWN_SERVICE, "no service " + service);
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                new SurveyBenchCommand(SHAPES, null, calls, home).run(List.of("--n", "10"), print(out), print(err));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(0);
        assertThat(table)
                .contains("drawn right by ShapeJudge: seen (unseen) | drawn right by CLIP: seen (unseen) |")
                .containsPattern("\\| Painter \\(nobody 2026\\) \\| - \\| 100\\.0% \\(100\\.0%\\) \\| 100\\.0%"
                        + " \\(100\\.0%\\) \\|")
                .contains("| Untrained painter | - | not trained | not trained |")
                .contains("| CoCa | absent | - | - |")
                .contains("Untrained painter, draw: UNTRAINED: glide-tiny is not trained")
                .doesNotContain("Untrained painter, draw_clip:")
                .contains("the pixel judge ShapeJudge 100.0% on test, 100.0% on test-unseen")
                .contains("the CLIP judge clip-judge 100.0% and 100.0%")
                .contains("| the dataset's own pictures (the judges' check) | 100.0% (100.0% / 100.0%) |")
                .contains("| Painter | 100.0% (100.0% / 100.0%) |")
                .contains("| Untrained painter | - | - | - | - |")
                // no service and no stored version: not trained; a stored version but no service: absent, and why
                .contains("| Never trained | - | not trained | not trained |")
                .contains("Never trained, draw: UNTRAINED: never-tiny has no trained version in the model store yet")
                .contains("| Stored | - | absent | absent |")
                .contains("stored-tiny has version 1 in the model store, yet the service is not there");

        // the CLIP judge absent: the pixel judge still measures, the CLIP column says why
        Files.writeString(home.resolve("noclip.yaml"), """
                drawn: {clip: nowhere-zero-shot}
                rows:
                  - name: Painter
                    draw: painter-draw
                """);
        out.reset();
        assertThat(new SurveyBenchCommand(SHAPES, null, calls, home)
                        .run(List.of("--n", "10", "--rows", "noclip.yaml"), print(out), print(err)))
                .isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("| Painter | 100.0% (100.0%) | absent |")
                .contains("Painter, draw_clip: UNKNOWN_SERVICE: the judge nowhere-zero-shot: no service");
    }

    @Test
    void drawRowsParseAndTheirMistakesAreNamed() throws Exception {
        Path shipped = Path.of("../../distribution/src/main/dist/etc/survey-benchmark.yaml");
        SurveyRows rows = SurveyRows.parse(Files.readString(shipped), shipped.toString());
        assertThat(rows.drawn()).containsEntry("clip", "clip-tiny-zero-shot");
        assertThat(rows.rows().stream().filter(r -> r.service("draw") != null))
                .extracting(SurveyRows.Row::name)
                .contains("DALL-E", "DALL-E without reranking", "GLIDE at guidance 0", "GLIDE at guidance 3");
        SurveyRows.Row reranked = rows.rows().stream()
                .filter(r -> r.name().equals("DALL-E"))
                .findFirst()
                .orElseThrow();
        assertThat(reranked.drawRequest()).containsEntry("rerank", true).containsEntry("n", 8);
        assertThatThrownBy(() ->
                        SurveyRows.parse("rows:\n  - name: X\n    draw: x-draw\n    draw_request: {seed: 3}\n", "f"))
                .hasMessageContaining("rows[0].draw_request sets 'seed'");
        assertThatThrownBy(
                        () -> SurveyRows.parse("rows:\n  - name: X\n    caption: c\n    draw_request: {n: 3}\n", "f"))
                .hasMessageContaining("has 'draw_request' but no 'draw' service");
        assertThatThrownBy(() -> SurveyRows.parse("rows:\n  - name: X\n    draw: x-draw\n    draw_request: 3\n", "f"))
                .hasMessageContaining("'draw_request' must be a mapping");
    }

    private static PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }
}
