package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.command.StoaCommand;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The command over the real shapes dataset and scorer. The pipelines are stand-ins (the real ones run in the
 * distribution): "oracle" knows the set's answers and gives the right one for every item of an even position, and a
 * word that is never an answer otherwise; "broken" fails as an untrained model does. So the table must show exactly
 * half right for the one and none for the other.
 */
class EvalVqaCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        List<VqaEvalSet.Item> set = VqaEvalSet.make(new ShapesDatasetFactory(), 8, 3, 48);
        Map<String, String> answers = new HashMap<>();
        for (int i = 0; i < set.size(); i++) {
            Map<String, Object> json = VqaEvalSet.json(set.get(i));
            answers.put(
                    json.get("image") + "|" + json.get("question"),
                    i % 2 == 0 ? set.get(i).question().answer() : "zebra");
        }
        EvalVqaCommand.Pipelines pipelines = (pipeline, request) -> switch (pipeline) {
            case "oracle" -> " " + answers.get(request.getString("image") + "|" + request.getString("question"));
            default -> throw new StoaException(FailureCode.UNAVAILABLE, "clip-tiny is training");
        };
        return new EvalVqaCommand(new ShapesDatasetFactory(), pipelines)
                .run(
                        List.of(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsAccuracyPerTypeForEachPipeline() throws Exception {
        assertThat(run("--n", "8", "--seed", "3", "--image-size", "48", "--pipeline", "oracle,broken"))
                .isEqualTo(StoaCommand.OK);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .startsWith("eval-vqa: 8 questions (seed 3, 48 px)\n")
                .containsPattern("overall\\s+50\\.0% \\(4/8\\)\\s+0\\.0% \\(0/8\\)")
                .contains("oracle: some wrong answers:")
                .contains("got 'zebra'")
                .containsPattern("question\\s+oracle\\s+broken");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("broken: 8 of 8 calls failed (counted wrong)")
                .contains("UNAVAILABLE: clip-tiny is training");
    }

    @Test
    void theRequestIsWhatAnHttpClientSends() throws Exception {
        List<JsonObject> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        new EvalVqaCommand(new ShapesDatasetFactory(), (pipeline, request) -> {
                    seen.add(request);
                    return "red";
                })
                .run(List.of("--n", "2", "--parallel", "1"), new PrintStream(out, true), new PrintStream(err, true));
        assertThat(seen).hasSize(2).allSatisfy(r -> {
            assertThat(r.fieldNames()).containsExactlyInAnyOrder("image", "question");
            assertThat(java.util.Base64.getDecoder().decode(r.getString("image")))
                    .startsWith(0x89, 'P', 'N', 'G');
        });
    }

    @Test
    void badOptionIsAUsageError() throws Exception {
        assertThat(run("--n", "zero")).isEqualTo(StoaCommand.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--n is 'zero'; use a whole number from 1 to 10000")
                .contains("usage: eval-vqa [--pipeline");
    }

    @Test
    void heldOutPhrasingsAreAskedBesideTheStandardOnes() throws Exception {
        // a stand-in that understands only the training wordings: right on every standard question, wrong on every
        // held-out one; and it sees every held-out question come from the held-out file
        List<String> trainingWordings =
                SceneQuestions.WORDINGS.values().stream().flatMap(List::stream).toList();
        List<String> heldOut = HeldOutPhrasings.byType().values().stream()
                .flatMap(List::stream)
                .toList();
        List<VqaEvalSet.Item> set = VqaEvalSet.make(new ShapesDatasetFactory(), 8, 3, 48);
        Map<String, String> answerOf = new HashMap<>();
        set.forEach(i -> answerOf.put(
                VqaEvalSet.json(i).get("image") + "|" + i.question().type(),
                i.question().answer()));
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        EvalVqaCommand.Pipelines pipelines = (pipeline, request) -> {
            String q = request.getString("question");
            asked.add(q);
            if (!trainingWordings.contains(q)) {
                return "YES";
            }
            String type = SceneQuestions.WORDINGS.entrySet().stream()
                    .filter(e -> e.getValue().contains(q))
                    .findFirst()
                    .orElseThrow()
                    .getKey();
            return answerOf.get(request.getString("image") + "|" + type);
        };
        int rc = new EvalVqaCommand(new ShapesDatasetFactory(), pipelines)
                .run(
                        List.of(
                                "--n",
                                "8",
                                "--seed",
                                "3",
                                "--image-size",
                                "48",
                                "--pipeline",
                                "p",
                                "--phrasings",
                                "held-out"),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(StoaCommand.OK);
        assertThat(asked).hasSize(16);
        assertThat(asked.stream().filter(heldOut::contains)).hasSize(8);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .containsPattern("question\\s+p\\s+p/held-out")
                .containsPattern("overall\\s+100\\.0% \\(8/8\\)\\s+0\\.0% \\(0/8\\)")
                .contains("p/held-out: some wrong answers:");
    }

    @Test
    void phrasingsOptionIsParsed() {
        assertThat(EvalVqaOptions.parse(List.of()).phrasings()).isEqualTo("standard");
        assertThat(EvalVqaOptions.parse(List.of()).heldOut()).isFalse();
        EvalVqaOptions o = EvalVqaOptions.parse(List.of("--phrasings", "held-out", "--n", "20"));
        assertThat(o.heldOut()).isTrue();
        assertThat(o.n()).isEqualTo(20);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> EvalVqaOptions.parse(List.of("--phrasings", "heldout")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--phrasings is 'heldout'; use standard or held-out");
    }
}
