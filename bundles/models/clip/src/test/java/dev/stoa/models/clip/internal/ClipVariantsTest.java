package dev.stoa.models.clip.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds every variant file the bundle ships and checks the shapes of what it answers. */
class ClipVariantsTest {

    @Test
    void everyVariantFileBuildsAndEmbedsImagesAndTextsInOneSpace(@TempDir Path models) throws Exception {
        List<Path> files = ClipTestSupport.variantFiles();
        assertThat(files)
                .extracting(f -> f.getFileName().toString())
                .contains("tiny.properties", "small.properties", "tiny-resnet.properties", "tiny-64.properties");
        Engine.getEngine("PyTorch").setRandomSeed(3);
        for (Path file : files) {
            ClipVariant variant = ClipTestSupport.variant(file);
            try (ClipInference clip = ClipInference.open(
                    variant, ClipTestSupport.ENCODERS::get, models.resolve(variant.id()), "PyTorch")) {
                int e = variant.embedDimension();
                float[][] images = clip.imageEmbeddings(List.of(
                        ClipTestSupport.gradient(40, 30),
                        ClipTestSupport.gradient(variant.imageSize(), variant.imageSize())));
                float[][] texts = clip.textEmbeddings(List.of("a red circle", "a blue square", "x"));
                assertThat(images.length).as(variant.name()).isEqualTo(2);
                assertThat(texts.length).as(variant.name()).isEqualTo(3);
                for (float[] v : images) {
                    assertThat(v).as(variant.name()).hasSize(e);
                    assertThat(norm(v)).as(variant.name()).isCloseTo(1.0, within(1e-4));
                }
                for (float[] v : texts) {
                    assertThat(v).as(variant.name()).hasSize(e);
                    assertThat(norm(v)).as(variant.name()).isCloseTo(1.0, within(1e-4));
                }
                assertThat(clip.trained()).isFalse();
                float[] cosines = clip.similarity(ClipTestSupport.gradient(50, 50), List.of("a", "b"));
                assertThat(cosines).hasSize(2);
                assertThat(cosines[0]).isBetween(-1.0001f, 1.0001f);
            }
        }
    }

    @Test
    void aMistakeInAVariantFileIsAConfigErrorNamingTheKey() {
        String typo = "embed_dim = 64\nimage_size = 32\ncontext_length = 32\ntokenizer = bytes\n"
                + "image.encoder = vit\ntext.encoder = text-transformer\nimg.width = 64\n";
        assertThatThrownBy(() -> ClipVariant.read("typo", new ByteArrayInputStream(typo.getBytes(UTF_8))))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("variants/typo.properties")
                .hasMessageContaining("'img.width'");
        String missing = "embed_dim = 64\nimage_size = 32\ntokenizer = bytes\n";
        assertThatThrownBy(() -> ClipVariant.read("missing", new ByteArrayInputStream(missing.getBytes(UTF_8))))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'context_length' is missing");
    }

    @Test
    void aVariantNamingAnEncoderNoBundleProvidesIsAConfigError(@TempDir Path models) throws Exception {
        ClipVariant tiny = ClipTestSupport.variant("tiny");
        ClipVariant other = new ClipVariant(
                "other",
                64,
                32,
                32,
                "bytes",
                "swin",
                tiny.imageHyperparameters(),
                tiny.textEncoder(),
                tiny.textHyperparameters());
        assertThatThrownBy(() -> ClipInference.open(other, ClipTestSupport.ENCODERS::get, models, "PyTorch"))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'swin'");
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * (double) x;
        }
        return Math.sqrt(s);
    }
}
