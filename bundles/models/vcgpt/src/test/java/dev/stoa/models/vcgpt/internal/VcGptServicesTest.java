package dev.stoa.models.vcgpt.internal;

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
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.fusion.SelfEnsembling;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained version opened from its store folder as the model repository opens it, and its one service. */
class VcGptServicesTest {

    @TempDir
    static Path store;

    private static VcGptTestSupport.VitGrid grid;
    private static VcGptCaptioner served;
    private static Captioner captioner;
    private static Example scene;
    private static String expected;

    @BeforeAll
    static void trainSaveAndOpen() throws Exception {
        PretrainedLanguageModel lm = VcGptTestSupport.publishLm(store);
        Dataset data = VcGptTestSupport.scenes();
        grid = new VcGptTestSupport.VitGrid();
        scene = data.split("test").get(0);
        Path version = Files.createDirectories(store.resolve("vcgpt-test/1"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            VcGptTrainable model = VcGptTestSupport.trainable(VcGptTestSupport.config("ensemble"), lm, grid);
            model.initialize(m);
            VcGptTestSupport.train(model, data, m, 10, 8);
            model.save(version, null, data);
            expected = model.captions(new ParameterStore(m, false), List.of(scene), SelfEnsembling.ENSEMBLE)
                    .get(0);
        }
        served = VcGptModels.open(
                version, StoredVcGpt.read(version), new ModelStore(store), new GptFactory(), grid, "PyTorch");
        List<ModelService> services = VcGptModels.services("vcgpt-test", served);
        assertThat(services).extracting(ModelService::id).containsExactly("vcgpt-test-caption");
        captioner = (Captioner) services.get(0).service();
    }

    @AfterAll
    static void close() {
        served.close();
        grid.close();
    }

    @Test
    void captionsAsTheTrainedModelDid() {
        Text text = captioner.call(scene.image());
        assertThat(text.value()).isEqualTo(expected);
        // the stored version records the LM's version it was trained on, and saves the fusion module alone
        assertThat(served.config().lmVersion()).isEqualTo(1);
        assertThat(store.resolve("vcgpt-test/1").resolve(StoredVcGpt.PARAMETERS))
                .isRegularFile();
        assertThat(store.resolve("vcgpt-test/1").resolve(PretrainedLanguageModel.PARAMETERS))
                .doesNotExist();
    }

    @Test
    void aMissingImageIsBadInputNamingTheField() {
        assertThatThrownBy(() -> captioner.call((Image) null)).isInstanceOfSatisfying(StoaException.class, e -> {
            assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
            assertThat(e.getMessage()).contains("'image'").contains("base64");
        });
    }

    @Test
    void aVersionWhoseLanguageModelIsGoneSaysWhichAndHowToFixIt() throws Exception {
        Path version = store.resolve("vcgpt-test/1");
        StoredVcGpt.Version v = StoredVcGpt.read(version);
        StoredVcGpt.Version gone = new StoredVcGpt.Version(v.config().withLmVersion(7), v.tokens(), v.width());
        assertThatThrownBy(
                        () -> VcGptModels.open(version, gone, new ModelStore(store), new GptFactory(), grid, "PyTorch"))
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG);
                    assertThat(e.getMessage())
                            .contains("model.lm_model")
                            .contains("version 7")
                            .contains("gpt-test");
                });
    }

    @Test
    void badVariantKeysAreBadConfigNamingTheKey() {
        Properties p = new Properties();
        p.setProperty("logits", "sum");
        assertThatThrownBy(() -> VcGptConfig.read("tiny", p, "model"))
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG);
                    assertThat(e.getMessage()).contains("'logits'").contains("ensemble, fused, lm");
                });
        assertThatThrownBy(() -> VcGptTestSupport.config("ensemble").with(Map.of("heads", 3), "model"))
                .isInstanceOfSatisfying(
                        StoaException.class,
                        e -> assertThat(e.getMessage()).contains("'heads'").contains("divisor of width"));
        assertThatThrownBy(() -> VcGptTestSupport.config("ensemble").with(Map.of("depth", 3), "model"))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.getMessage()).contains("'depth'"));
    }

    @Test
    void bfloat16KeepsThreeSignificantDigits() {
        for (float f : new float[] {0f, 1f, -2.5f, 0.1234567f, 123.456f, -1e-3f}) {
            float back = GridCache.unpack(GridCache.bfloat16(f));
            assertThat(Math.abs(back - f)).isLessThanOrEqualTo(Math.abs(f) / 256f);
        }
    }
}
