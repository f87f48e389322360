package dev.stoa.models.frozen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory as the trainer calls it: the shipped variant, overrides, and what it refuses. */
class FrozenFactoryTest {

    @TempDir
    Path store;

    private FrozenFactory factory() {
        return new FrozenFactory(
                path -> FrozenFactoryTest.class.getResource("/" + path),
                new GptFactory(),
                new ResNetEncoderFactory(),
                new ModelStore(store));
    }

    @Test
    void defaultsShowTheShippedVariantWithThePapersTwoPrefixVectors() {
        Map<String, Object> d = factory().defaults();
        assertThat(d)
                .containsEntry("variant", "tiny")
                .containsEntry("model_id", "frozen-<variant>")
                .containsEntry("lm_model", "gpt-captions")
                .containsEntry("prefix_length", 2)
                .containsEntry("image_encoder", "resnet")
                .containsEntry("image_size", 64)
                .doesNotContainKey("lm_version");
    }

    @Test
    void aMissingLanguageModelIsBadConfigSayingHowToTrainIt() {
        assertThatThrownBy(() -> factory().create(Map.of("variant", "tiny")))
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG);
                    assertThat(e.getMessage()).contains("model.lm_model").contains("gpt-captions.yaml");
                });
    }

    @Test
    void builtOnThePublishedLanguageModelWithOverrides() throws Exception {
        FrozenTestSupport.publishLm(store);
        FrozenTrainable model = (FrozenTrainable)
                factory().create(Map.of("lm_model", "gpt-test", "prefix_length", 4, "image_encoder", "vit"));
        assertThat(model.modelId()).isEqualTo("frozen-tiny");
        assertThat(model.config().prefixLength()).isEqualTo(4);
        assertThat(model.config().lmVersion()).isEqualTo(1);
        assertThat(model.config().usesResnet()).isFalse();
    }

    @Test
    void badKeysAreBadConfigNamingTheKey() {
        assertThatThrownBy(() -> factory().create(Map.of("lm_version", 3)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.getMessage()).contains("model.lm_version"));
        assertThatThrownBy(() -> factory().create(Map.of("image_encoder", "clip")))
                .isInstanceOfSatisfying(
                        StoaException.class,
                        e -> assertThat(e.getMessage())
                                .contains("image_encoder")
                                .contains("resnet or vit"));
        assertThatThrownBy(() -> factory().create(Map.of("depth", 3)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.getMessage()).contains("depth"));
        assertThatThrownBy(() -> factory().create(Map.of("model_id", "clip-x")))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.getMessage()).contains("model.model_id"));
    }
}
