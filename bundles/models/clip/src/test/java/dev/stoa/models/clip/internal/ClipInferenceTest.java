package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipInferenceTest {

    @TempDir
    Path models;

    private ClipInference clip;

    @BeforeEach
    void open() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        clip = open("tiny");
    }

    @AfterEach
    void close() {
        clip.close();
    }

    private ClipInference open(String name) throws Exception {
        ClipVariant variant = ClipTestSupport.variant(name);
        return ClipInference.open(variant, ClipTestSupport.ENCODERS::get, models.resolve(variant.id()), "PyTorch");
    }

    @Test
    void savedParametersLoadBackToIdenticalEmbeddings() throws Exception {
        Image image = ClipTestSupport.gradient(48, 40);
        float[] imageBefore = clip.imageEmbeddings(List.of(image))[0];
        float[] textBefore = clip.textEmbeddings(List.of("a green triangle"))[0];
        Files.createDirectories(models.resolve("clip-tiny"));
        clip.save(models.resolve("clip-tiny").resolve(ClipInference.PARAMETERS));

        // another seed: without the file, the new model's random weights would differ
        Engine.getEngine("PyTorch").setRandomSeed(12);
        try (ClipInference loaded = open("tiny")) {
            assertThat(loaded.trained()).isTrue();
            assertThat(loaded.imageEmbeddings(List.of(image))[0]).containsExactly(imageBefore);
            assertThat(loaded.textEmbeddings(List.of("a green triangle"))[0]).containsExactly(textBefore);
        }
        Files.delete(models.resolve("clip-tiny").resolve(ClipInference.PARAMETERS));
        try (ClipInference fresh = open("tiny")) {
            assertThat(fresh.trained()).isFalse();
            assertThat(fresh.imageEmbeddings(List.of(image))[0]).isNotEqualTo(imageBefore);
        }
    }

    @Test
    void zeroShotAnswerHasOneScorePerLabelSummingToOneAndSaysItIsUntrained() {
        Map<String, Object> answer = new ClipZeroShotService(clip)
                .call(Map.of(
                        "image",
                                Base64.getEncoder()
                                        .encodeToString(
                                                ClipTestSupport.gradient(32, 32).encodePng()),
                        "labels", List.of("circle", "square", "triangle"),
                        "templates", List.of("a photo of a {}.", "a drawing of a {}.")));
        @SuppressWarnings("unchecked")
        Map<String, Double> scores = (Map<String, Double>) answer.get("scores");
        assertThat(scores).containsOnlyKeys("circle", "square", "triangle");
        assertThat(scores.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, within(1e-5));
        String best = scores.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        assertThat(answer)
                .containsEntry("label", best)
                .containsEntry("trained", false)
                .containsEntry("model", "clip-tiny");
    }

    @Test
    void zeroShotScoresAreTheEnsembleOfTheTextEncodersEmbeddings() {
        Image image = ClipTestSupport.gradient(32, 32);
        List<String> templates = List.of("a photo of a {}.", "a {}");
        Map<String, Float> scores = clip.classify(image, List.of("red", "blue"), templates);
        // the same computation from the encoders' outputs, in plain Java
        float[] v = clip.imageEmbeddings(List.of(image))[0];
        double[] logits = new double[2];
        String[] labels = {"red", "blue"};
        for (int c = 0; c < 2; c++) {
            float[][] t = clip.textEmbeddings(List.of(
                    templates.get(0).replace("{}", labels[c]), templates.get(1).replace("{}", labels[c])));
            double[] w = new double[v.length];
            for (float[] row : t) {
                for (int i = 0; i < w.length; i++) {
                    w[i] += row[i] / 2.0; // rows are unit already
                }
            }
            double n = Math.sqrt(java.util.Arrays.stream(w).map(x -> x * x).sum());
            for (int i = 0; i < w.length; i++) {
                logits[c] += v[i] * w[i] / n;
            }
            logits[c] *= clip.model().scale();
        }
        double p0 = 1 / (1 + Math.exp(logits[1] - logits[0]));
        assertThat((double) scores.get("red")).isCloseTo(p0, within(1e-4));
        assertThat((double) clip.model().scale()).isCloseTo(1 / 0.07, within(1e-3));
    }

    @Test
    void imagesOfAnySizeOrColourModelAreResizedAndCropped() {
        BufferedImage grey = new BufferedImage(50, 20, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(10, 10, 0, 200);
        BufferedImage tall = new BufferedImage(7, 90, BufferedImage.TYPE_INT_ARGB);
        Embedding a = new ClipImageEncoderService(clip).call(Image.fromBufferedImage(grey));
        Embedding b = new ClipImageEncoderService(clip).call(Image.fromBufferedImage(tall));
        assertThat(a.dimension()).isEqualTo(64);
        assertThat(b.dimension()).isEqualTo(64);
        assertThat(a.norm()).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void textEncoderServiceMatchesTheModelAndTruncatesLongTexts() {
        ClipTextEncoderService text = new ClipTextEncoderService(clip);
        assertThat(text.dimension()).isEqualTo(64);
        assertThat(text.maxTokens()).isEqualTo(32);
        assertThat(text.call(new Text("a red circle")).vector())
                .containsExactly(clip.textEmbeddings(List.of("a red circle"))[0], within(1e-6f));
        assertThat(text.call(new Text("x".repeat(500))).dimension()).isEqualTo(64);
    }

    @Test
    void emptyLabelsAreBadInputNamingLabels() {
        String png = Base64.getEncoder()
                .encodeToString(ClipTestSupport.gradient(8, 8).encodePng());
        ClipZeroShotService zeroShot = new ClipZeroShotService(clip);
        assertThatThrownBy(() -> zeroShot.call(Map.of("image", png, "labels", List.of())))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("'labels'");
        assertThatThrownBy(() -> zeroShot.call(Map.of("image", png)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'labels'");
        assertThatThrownBy(() -> zeroShot.call(Map.of("image", png, "labels", List.of("a", "a"))))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() ->
                        zeroShot.call(Map.of("image", png, "labels", List.of("a"), "templates", List.of("a photo"))))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'templates[0]'");
        assertThatThrownBy(() -> zeroShot.call(Map.of("labels", List.of("a"))))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("'image'");
    }

    @Test
    void preprocessingCropsTheCentreAndNormalisesWithClipsMeanAndStd() {
        // 20 x 10 with S = 10: the shorter side is already S (no resampling), the crop starts at column 5
        float[] chw = new ClipPreprocessing(10).toChw(ClipTestSupport.gradient(20, 10));
        int plane = 100;
        // pixel (x=0, y=3) of the crop is pixel (5, 3) of the image: (r, g, b) = (5, 3, 8)
        assertThat(chw[3 * 10]).isCloseTo((5 / 255f - 0.48145466f) / 0.26862954f, within(1e-6f));
        assertThat(chw[plane + 3 * 10]).isCloseTo((3 / 255f - 0.4578275f) / 0.26130258f, within(1e-6f));
        assertThat(chw[2 * plane + 3 * 10]).isCloseTo((8 / 255f - 0.40821073f) / 0.27577711f, within(1e-6f));
    }
}
