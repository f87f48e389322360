package dev.stoa.models.simvlm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.service.Captioner;
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
 * The services of a briefly trained version, saved as the trainer saves it and opened from its store folder as the
 * model repository opens it: their greedy decoding ({@code dev.stoa.nn.decode.Decoding}, one token at a time) gives
 * the captions and completions of the evaluation's batched greedy decoding, and bad input is {@code BAD_INPUT} naming
 * the field.
 */
class SimVlmServicesTest {

    @TempDir
    static Path store;

    private static Dataset data;
    private static SimVlmInference served;
    private static Map<String, ModelService> services;
    private static List<String> expectedCaptions;
    private static List<String> expectedCompletions;

    @BeforeAll
    static void trainSaveAndOpen() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        data = SimVlmTestSupport.shapes(3);
        SimVlmTrainable model = SimVlmFactory.create("simvlm-tiny", SimVlmTestSupport.config(3, 0.25));
        Path version = Files.createDirectories(store.resolve("simvlm-tiny/1"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            SimVlmTestSupport.train(model, data, m, 60, 16);
            model.save(version, null, data);
            SimVlmEvaluation evaluation = new SimVlmEvaluation(model.block(), model.words());
            ParameterStore ps = new ParameterStore(m, false);
            expectedCaptions = evaluation.captions(images(), ps, m);
            long[][] prefix = new long[images().size()][];
            java.util.Arrays.fill(prefix, model.words().toIds("two red"));
            expectedCompletions = evaluation.generate(images(), prefix, true, ps, m);
        }
        served = SimVlmModels.open("simvlm-tiny", version, "PyTorch");
        services = new HashMap<>();
        for (ModelService s : SimVlmModels.services(served)) {
            services.put(s.id(), s);
        }
    }

    @AfterAll
    static void close() throws Exception {
        served.close();
        data.close();
    }

    private static List<Image> images() {
        return dev.stoa.nn.train.TrainingExamples.first(data.split("test"), 8).stream()
                .map(Example::image)
                .toList();
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
    void theVersionRegistersACaptionerAndACompletionService() {
        assertThat(services.keySet()).containsExactlyInAnyOrder("simvlm-tiny-caption", "simvlm-tiny-complete");
        assertThat(services.get("simvlm-tiny-caption").service()).isInstanceOf(Captioner.class);
        assertThat(services.get("simvlm-tiny-complete").properties()).containsEntry("simvlm.text.length", 8);
    }

    @Test
    void captionsAreTheEvaluationsGreedyCaptionsWordsOfTheVocabulary() {
        Captioner captioner = (Captioner) services.get("simvlm-tiny-caption").service();
        List<Image> images = images();
        for (int i = 0; i < images.size(); i++) {
            Text text = captioner.call(images.get(i));
            assertThat(text.value()).isEqualTo(expectedCaptions.get(i));
            assertThat(text.value()).isEqualTo(captioner.call(images.get(i)).value());
            for (String w :
                    text.value().isEmpty() ? new String[0] : text.value().split(" ")) {
                assertThat(SceneText.vocabulary()).contains(w);
            }
        }
        // the model reads any size: a 1 x 1 image is scaled up, not refused
        assertThat(captioner
                        .call(new Image(1, 1, new byte[] {0, 0, (byte) 255}))
                        .value())
                .isNotNull();
    }

    @Test
    void completionAnswersTheContinuationOfAnImageSentAsBase64() {
        List<Image> images = images();
        for (int i = 0; i < images.size(); i++) {
            String png = Base64.getEncoder().encodeToString(images.get(i).encodePng());
            Map<String, Object> out = call("simvlm-tiny-complete", request("image", png, "text", "two red"));
            String expected = expectedCompletions.get(i);
            assertThat(out.get("text")).isEqualTo(expected.isEmpty() ? "" : " " + expected);
            assertThat(out.get("model")).isEqualTo("simvlm-tiny");
        }
    }

    @Test
    void badInputNamesTheField() {
        assertBad("simvlm-tiny-complete", request("text", "two red"), "'image'", "missing");
        assertBad("simvlm-tiny-complete", request("image", "bm90IGFuIGltYWdl", "text", "two red"), "'image'", "PNG");
        assertBad("simvlm-tiny-complete", request("image", 42, "text", "two red"), "'image'", "base64");
        assertBad("simvlm-tiny-complete", request("image", images().get(0)), "'text'", "missing");
        assertBad("simvlm-tiny-complete", request("image", images().get(0), "text", 7), "'text'", "string");
        assertBad("simvlm-tiny-complete", request("image", images().get(0), "text", "   "), "'text'", "empty");
        assertBad(
                "simvlm-tiny-complete",
                request("image", images().get(0), "text", "red ".repeat(1_000)),
                "'text'",
                "at most 2000");
        assertBad(
                "simvlm-tiny-complete",
                request("image", images().get(0), "text", "a picture of two red circles and more"),
                "'text'",
                "at most 6");
    }

    private static void assertBad(String id, Map<String, Object> request, String field, String message) {
        assertThatThrownBy(() -> call(id, request))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining(field)
                .hasMessageContaining(message);
    }
}
