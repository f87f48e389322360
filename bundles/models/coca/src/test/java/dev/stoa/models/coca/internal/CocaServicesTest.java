package dev.stoa.models.coca.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.service.Captioner;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.loss.TrainingLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services of a trained version, opened from its store folder as the model repository opens it. */
class CocaServicesTest {

    @TempDir
    static Path store;

    private static Dataset data;
    private static CocaInference served;
    private static Map<String, ModelService> services;
    private static float[] expectedImage;
    private static String expectedCaption;

    @BeforeAll
    static void trainSaveAndOpen() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        data = CocaTestSupport.shapes();
        CocaTrainable model = CocaTestSupport.model(CocaTestSupport.config());
        Path version = Files.createDirectories(store.resolve("coca-tiny/1"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            TrainingLoss loss = CocaTestSupport.loss();
            loss.initialize(
                    m,
                    ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, 32),
                    new ai.djl.ndarray.types.Shape(1, 32),
                    new ai.djl.ndarray.types.Shape(1, 40, 260),
                    new ai.djl.ndarray.types.Shape(1, 40));
            CocaTestSupport.train(model, loss, data, m, 20, 16, 2e-3f);
            model.save(version, loss, data);
            ParameterStore ps = new ParameterStore(m, false);
            var pixels = ImagePixels.batch(m, List.of(image()), 32);
            expectedImage = model.block().encodeImage(ps, pixels, false).get(0).toFloatArray();
            expectedCaption = new CocaGreedy(model.block(), model.tokenizer())
                    .captions(ps, pixels)
                    .get(0);
        }
        served = CocaModels.open("coca-tiny", version, new ResNetEncoderFactory(), "PyTorch");
        services = new HashMap<>();
        for (ModelService s : CocaModels.services(served)) {
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
    private static Map<String, Object> zeroShot(Map<String, Object> request) {
        return ((StoaService<Map<String, Object>, Map<String, Object>>)
                        services.get("coca-tiny-zero-shot").service())
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
    void theVersionRegistersItsFourServices() {
        assertThat(services.keySet())
                .containsExactlyInAnyOrder(
                        "coca-tiny-caption", "coca-tiny-zero-shot", "coca-tiny-image", "coca-tiny-text");
        assertThat(services.get("coca-tiny-caption").service()).isInstanceOf(Captioner.class);
        assertThat(services.get("coca-tiny-text").service()).isInstanceOf(TextEncoder.class);
        assertThat(services.get("coca-tiny-image").properties()).containsEntry("embedding.dimension", 32);
    }

    @Test
    void theCaptionIsTheTrainedModelsGreedyCaption() {
        Captioner captioner = (Captioner) services.get("coca-tiny-caption").service();
        Text text = captioner.call(image());
        assertThat(text.value())
                .isEqualTo(expectedCaption)
                .isEqualTo(captioner.call(image()).value());
    }

    @Test
    @SuppressWarnings("unchecked")
    void embeddingsAreTheTrainedModelsAndUnitLength() {
        Embedding v =
                ((StoaService<Image, Embedding>) services.get("coca-tiny-image").service()).call(image());
        assertThat(v.vector()).hasSize(32);
        for (int i = 0; i < 32; i++) {
            assertThat(v.vector()[i]).isCloseTo(expectedImage[i], within(1e-5f));
        }
        TextEncoder text = (TextEncoder) services.get("coca-tiny-text").service();
        List<Embedding> e = text.encodeBatch(List.of(new Text("two red circles"), new Text("a blue star")));
        assertThat(e).hasSize(2);
        double norm = 0;
        for (float x : e.get(0).vector()) {
            norm += x * x;
        }
        assertThat(norm).isCloseTo(1.0, within(1e-4));
        assertThat(text.maxTokens()).isEqualTo(38);
        assertThat(text.dimension()).isEqualTo(32);
    }

    @Test
    @SuppressWarnings("unchecked")
    void zeroShotScoresTheLabelsAndDefaultsToTheTrainedClasses() {
        String png = Base64.getEncoder().encodeToString(image().encodePng());
        Map<String, Object> out = zeroShot(request("image", png, "labels", List.of("red circle", "blue star")));
        Map<String, Double> scores = (Map<String, Double>) out.get("scores");
        assertThat(scores.keySet()).containsExactly("red circle", "blue star");
        assertThat(scores.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, within(1e-4));
        assertThat(out.get("label")).isIn("red circle", "blue star");
        assertThat(scores.get((String) out.get("label"))).isGreaterThanOrEqualTo(0.5);
        assertThat(out.get("model")).isEqualTo("coca-tiny");
        Map<String, Object> all = zeroShot(request("image", image()));
        assertThat(((Map<String, Double>) all.get("scores")).keySet()).containsExactlyElementsOf(data.labels());
    }

    @Test
    void badInputNamesTheField() {
        assertBad(request("labels", List.of("a")), "image", "missing");
        assertBad(request("image", "not base64 %%%", "labels", List.of("a")), "image", "");
        assertBad(request("image", 7, "labels", List.of("a")), "image", "base64");
        assertBad(request("image", image(), "labels", "red circle"), "labels", "array");
        assertBad(request("image", image(), "labels", List.of()), "labels", "empty");
        assertBad(request("image", image(), "labels", List.of("a", "a")), "labels", "twice");
        assertBad(request("image", image(), "labels", List.of("a", " ")), "labels[1]", "non-empty");
        assertBad(
                request("image", image(), "labels", List.of("a"), "templates", List.of("no slot")),
                "templates[0]",
                "{}");
        assertBad(request("image", image(), "labels", List.of("x".repeat(3000))), "labels", "at most");
        TextEncoder text = (TextEncoder) services.get("coca-tiny-text").service();
        assertBadCall(() -> text.encodeBatch(List.of()), "texts", "empty");
        assertBadCall(() -> text.encodeBatch(new ArrayList<>(List.of(new Text(" ")))), "texts[0]", "empty");
        assertBadCall(() -> text.encodeBatch(List.of(new Text("y".repeat(2001)))), "texts[0]", "at most");
        Captioner captioner = (Captioner) services.get("coca-tiny-caption").service();
        assertBadCall(() -> captioner.call(null), "image", "missing");
    }

    private static void assertBad(Map<String, Object> request, String field, String message) {
        assertBadCall(() -> zeroShot(request), field, message);
    }

    private static void assertBadCall(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("'" + field + "'")
                .hasMessageContaining(message);
    }
}
