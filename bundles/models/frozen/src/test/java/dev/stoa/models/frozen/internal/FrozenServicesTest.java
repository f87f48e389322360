package dev.stoa.models.frozen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.service.Captioner;
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained version saved as the trainer saves it, opened from its store folder as the model repository opens it. */
class FrozenServicesTest {

    @TempDir
    static Path store;

    private static FrozenCaptioner served;
    private static Captioner captioner;
    private static Example scene;
    private static String expected;
    private static Map<String, Double> evaluation;

    @BeforeAll
    static void trainSaveAndOpen() throws Exception {
        PretrainedLanguageModel lm = FrozenTestSupport.publishLm(store);
        Dataset data = FrozenTestSupport.scenes();
        scene = data.split("test").get(0);
        Path version = Files.createDirectories(store.resolve("frozen-test/1"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FrozenTrainable model = FrozenTestSupport.trainable(FrozenTestSupport.config("resnet"), lm);
            model.initialize(m);
            FrozenTestSupport.train(model, data, m, 10, 8);
            model.save(version, null, data);
            ParameterStore ps = new ParameterStore(m, false);
            expected = model.captions(ps, List.of(scene), false).get(0);
            evaluation = model.evaluate(data, Map.of("examples", 8), ps);
        }
        served = FrozenModels.open(
                version,
                StoredFrozen.read(version),
                new ModelStore(store),
                new GptFactory(),
                new ResNetEncoderFactory(),
                "PyTorch");
        List<ModelService> services = FrozenModels.services("frozen-test", served);
        assertThat(services).extracting(ModelService::id).containsExactly("frozen-test-caption");
        captioner = (Captioner) services.get(0).service();
    }

    @AfterAll
    static void close() {
        served.close();
    }

    @Test
    void captionsAsTheTrainedModelDid() {
        Text text = captioner.call(scene.image());
        assertThat(text.value()).isEqualTo(expected);
        // the stored version records the LM's version it was trained on, and saves the vision side alone
        assertThat(served.config().lmVersion()).isEqualTo(1);
        assertThat(served.config().imageEncoder()).isEqualTo("resnet");
        assertThat(store.resolve("frozen-test/1").resolve(StoredFrozen.PARAMETERS))
                .isRegularFile();
        assertThat(store.resolve("frozen-test/1").resolve(PretrainedLanguageModel.PARAMETERS))
                .doesNotExist();
    }

    @Test
    void theEvaluationReportsTheCaptionsAndTheZeroedPrefixAblation() {
        assertThat(evaluation)
                .containsKeys(
                        "caption_colour_shape_accuracy/test",
                        "caption_count_accuracy/test",
                        "zero_prefix_caption_colour_shape_accuracy/test",
                        "zero_prefix_caption_count_accuracy/test");
        assertThat(evaluation.values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
    }

    @Test
    void aMissingImageIsBadInputNamingTheField() {
        assertThatThrownBy(() -> captioner.call((Image) null)).isInstanceOfSatisfying(StoaException.class, e -> {
            assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
            assertThat(e.getMessage()).contains("'image'").contains("base64");
        });
    }

    @Test
    void aVersionWhoseLanguageModelIsGoneSaysWhichAndHowToFixIt() {
        Path version = store.resolve("frozen-test/1");
        FrozenConfig gone = StoredFrozen.read(version).withLmVersion(7);
        assertThatThrownBy(() -> FrozenModels.open(
                        version, gone, new ModelStore(store), new GptFactory(), new ResNetEncoderFactory(), "PyTorch"))
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG);
                    assertThat(e.getMessage())
                            .contains("model.lm_model")
                            .contains("version 7")
                            .contains("gpt-test");
                });
    }
}
