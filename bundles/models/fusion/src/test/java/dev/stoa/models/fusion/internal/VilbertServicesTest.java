package dev.stoa.models.fusion.internal;

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
import dev.stoa.datasets.internal.ShapesDatasetFactory;
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
 * The services of a trained ViLBERT version, opened from its store folder as the model repository opens it: the same
 * two services and JSON as VisualBERT's, answered by ViLBERT's two streams.
 */
class VilbertServicesTest {

    @TempDir
    static Path store;

    private static Dataset data;
    private static FusionInference served;
    private static Map<String, ModelService> services;
    private static float expectedScore;

    @BeforeAll
    static void trainSaveAndOpen() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        // the survey's data: drawn at 96 px, a word in half of the scenes; the model scales them to its 32 px
        data = new ShapesDatasetFactory()
                .open(Map.of("seed", 0, "image_size", 96, "max_count", 3, "text_probability", 0.5));
        VilbertTrainable model = VilbertFactory.create("vilbert-tiny", FusionTestSupport.vilbertConfig(3));
        Path version = Files.createDirectories(store.resolve("vilbert-tiny/1"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            FusionTestSupport.train(model, data, m, 20, 16);
            model.save(version, null, data);
            expectedScore = new FusionEvaluation(model.block(), model.tokens())
                    .matchScores(
                            new long[][] {model.tokens().encode("two red circles")},
                            List.of(image()),
                            new ParameterStore(m, false),
                            m)[0];
        }
        assertThat(Files.exists(version.resolve(StoredVilbert.PARAMETERS))).isTrue();
        served = FusionModels.open("vilbert-tiny", version, "PyTorch");
        services = new HashMap<>();
        for (ModelService s : FusionModels.services(served)) {
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
    void theProviderOpensVilbertVersionsByTheirPrefixWithAMatchAndAFillService() {
        assertThat(services.keySet()).containsExactlyInAnyOrder("vilbert-tiny-match", "vilbert-tiny-fill");
        assertThat(services.get("vilbert-tiny-match").properties())
                .containsEntry("fusion.architecture", "vilbert")
                .containsEntry("vilbert.text.length", 10);
        FusionModels provider = new FusionModels(null);
        assertThat(provider.handles("vilbert-tiny")).isTrue();
        assertThat(provider.handles("visualbert-tiny")).isTrue();
        assertThat(provider.handles("clip-tiny")).isFalse();
        assertThat(served.encoder()).isInstanceOf(Vilbert.class);
    }

    @Test
    void matchingAnswersTheTrainedModelsScoreForA96PixelImageSentAsBase64() {
        assertThat(image().width()).isEqualTo(96);
        String png = Base64.getEncoder().encodeToString(image().encodePng());
        Map<String, Object> out = call("vilbert-tiny-match", request("image", png, "text", "two red circles"));
        double score = (Double) out.get("score");
        assertThat(score).isCloseTo(expectedScore, within(1e-5));
        assertThat(out.get("matches")).isEqualTo(score > 0.5);
        assertThat(out.get("model")).isEqualTo("vilbert-tiny");
    }

    @Test
    @SuppressWarnings("unchecked")
    void fillInListsTheTopWordsOfEachMaskMostProbableFirst() {
        Map<String, Object> out =
                call("vilbert-tiny-fill", request("image", image(), "text", "two [MASK] circles", "top", 4));
        assertThat(out.get("model")).isEqualTo("vilbert-tiny");
        List<Map<String, Object>> masks = (List<Map<String, Object>>) out.get("masks");
        assertThat(masks).hasSize(1);
        assertThat(masks.get(0).get("position")).isEqualTo(1);
        List<Map<String, Object>> words =
                (List<Map<String, Object>>) masks.get(0).get("words");
        assertThat(words).hasSize(4);
        double previous = 1;
        for (Map<String, Object> w : words) {
            assertThat(SceneCaptions.vocabulary()).contains((String) w.get("word"));
            double p = (Double) w.get("probability");
            assertThat(p).isBetween(0.0, previous);
            previous = p;
        }
    }

    @Test
    void badInputNamesTheField() {
        assertBad("vilbert-tiny-match", request("text", "a red circle"), "'image'", "missing");
        assertBad("vilbert-tiny-match", request("image", "bm90IGFuIGltYWdl", "text", "a red circle"), "'image'", "PNG");
        assertBad("vilbert-tiny-match", request("image", image(), "text", "  "), "'text'", "empty");
        assertBad("vilbert-tiny-fill", request("image", image(), "text", "two red circles"), "'text'", "no [MASK]");
        assertBad("vilbert-tiny-fill", request("image", image(), "text", "a [MASK]", "top", 21), "'top'", "1 to 20");
        assertBad(
                "vilbert-tiny-match",
                request("image", image(), "text", "a red circle and a blue square and more"),
                "'text'",
                "at most 8");
    }

    private static void assertBad(String id, Map<String, Object> request, String field, String message) {
        assertThatThrownBy(() -> call(id, request))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining(field)
                .hasMessageContaining(message);
    }
}
