package dev.stoa.models.merlot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.model.ModelService;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services of a trained version, opened from its store folder as the model repository opens it. */
class MerlotServicesTest {

    @TempDir
    static Path store;

    private static Dataset data;
    private static MerlotInference served;
    private static Map<String, ModelService> services;
    private static float[] expectedOrderScores;

    @BeforeAll
    static void trainSaveAndOpen() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        data = MerlotTestSupport.clips();
        MerlotTrainable model = MerlotFactory.create("merlot-tiny", MerlotTestSupport.config());
        Path version = Files.createDirectories(store.resolve("merlot-tiny/1"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            MerlotTestSupport.train(model, data, m, 10, 8);
            model.save(version, null, data);
            expectedOrderScores = new MerlotRunner(model.block(), model.tokens())
                    .orderScores(List.of(frames()), new ParameterStore(m, false), m)[0];
        }
        served = MerlotModels.open("merlot-tiny", version, "PyTorch");
        services = new HashMap<>();
        for (ModelService s : MerlotModels.services(served)) {
            services.put(s.id(), s);
        }
    }

    @AfterAll
    static void close() throws Exception {
        served.close();
        data.close();
    }

    private static List<Image> frames() {
        return ClipFrames.of(data.split("test").get(0), 4);
    }

    private static List<Object> base64Frames() throws Exception {
        List<Object> out = new ArrayList<>();
        for (Image frame : frames()) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(frame.toBufferedImage(), "png", png);
            out.add(Base64.getEncoder().encodeToString(png.toByteArray()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(String id, Map<String, Object> request) {
        return ((StoaService<Map<String, Object>, Map<String, Object>>)
                        services.get(id).service())
                .call(request);
    }

    private static Map<String, Object> request(Object... kv) {
        Map<String, Object> r = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1]);
        }
        return r;
    }

    @Test
    void eachVersionServesOrderQuestionsAndMatching() {
        assertThat(services.keySet())
                .containsExactlyInAnyOrder("merlot-tiny-order", "merlot-tiny-qa", "merlot-tiny-match");
    }

    @Test
    void theOrderIsAPermutationDecodedFromTheSameScoresAsTheTrainedModel() throws Exception {
        Map<String, Object> out = call("merlot-tiny-order", request("frames", base64Frames()));
        assertThat(out.get("model")).isEqualTo("merlot-tiny");
        @SuppressWarnings("unchecked")
        List<Integer> order = (List<Integer>) out.get("order");
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3);
        int[] expected = FrameOrder.decode(expectedOrderScores, 4);
        assertThat(order).containsExactly(expected[0], expected[1], expected[2], expected[3]);
        // frames passed in process as images give the same answer
        assertThat(call("merlot-tiny-order", request("frames", new ArrayList<Object>(frames())))
                        .get("order"))
                .isEqualTo(order);
        // over HTTP a JSON array arrives as Vert.x's JsonArray, an Iterable that is not a List (SurveyModelsIT
        // found the List-only reading refusing it): any Iterable is read in its order
        assertThat(call("merlot-tiny-order", request("frames", new java.util.ArrayDeque<Object>(base64Frames())))
                        .get("order"))
                .isEqualTo(order);
    }

    @Test
    void questionsGetAWordOfTheirKindAndTextsAScore() throws Exception {
        Map<String, Object> colour = call(
                "merlot-tiny-qa",
                request("frames", base64Frames(), "question", "what colour is the shape at the end?"));
        assertThat(MerlotTokens.COLOURS).contains((String) colour.get("text"));
        assertThat((Double) colour.get("probability")).isBetween(1.0 / 6, 1.0);
        Map<String, Object> shape =
                call("merlot-tiny-qa", request("frames", base64Frames(), "question", "what shape is it?"));
        assertThat(MerlotTokens.SHAPES).contains((String) shape.get("text"));
        Map<String, Object> match =
                call("merlot-tiny-match", request("frames", base64Frames(), "text", "the circle turns blue"));
        assertThat((Double) match.get("score")).isBetween(0.0, 1.0);
        @SuppressWarnings("unchecked")
        List<Double> perFrame = (List<Double>) match.get("frame_scores");
        assertThat(perFrame).hasSize(4);
        assertThat((Double) match.get("score"))
                .isCloseTo(perFrame.stream().mapToDouble(d -> d).max().orElseThrow(), within(1e-12));
    }

    @Test
    void badInputIsRefusedNamingTheField() throws Exception {
        List<Object> frames = base64Frames();
        assertBad("merlot-tiny-order", request(), "'frames'", "is missing");
        assertBad("merlot-tiny-order", request("frames", "abc"), "'frames'", "must be a list");
        assertBad("merlot-tiny-order", request("frames", frames.subList(0, 3)), "'frames'", "too few");
        List<Object> five = new ArrayList<>(frames);
        five.add(frames.get(0));
        assertBad("merlot-tiny-order", request("frames", five), "'frames'", "too many");
        List<Object> notImage = new ArrayList<>(frames);
        notImage.set(2, Base64.getEncoder().encodeToString("not an image at all".getBytes()));
        assertBad("merlot-tiny-order", request("frames", notImage), "'frames[2]'", "PNG");
        List<Object> notBase64 = new ArrayList<>(frames);
        notBase64.set(1, "%%%");
        assertBad("merlot-tiny-qa", request("frames", notBase64, "question", "what shape is it?"), "'frames[1]'", "");
        List<Object> number = new ArrayList<>(frames);
        number.set(0, 7);
        assertBad("merlot-tiny-match", request("frames", number, "text", "a red circle appears"), "'frames[0]'", "");
        assertBad("merlot-tiny-qa", request("frames", frames), "'question'", "is missing");
        assertBad("merlot-tiny-qa", request("frames", frames, "question", "how old is it?"), "'question'", "ask");
        assertBad("merlot-tiny-qa", request("frames", frames, "question", 5), "'question'", "string");
        assertBad("merlot-tiny-match", request("frames", frames, "text", " "), "'text'", "empty");
        assertBad("merlot-tiny-match", request("frames", frames, "text", "x".repeat(501)), "'text'", "at most");
    }

    private static void assertBad(String id, Map<String, Object> request, String field, String words) {
        assertThatThrownBy(() -> call(id, request))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining(field)
                .hasMessageContaining(words);
    }
}
