package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code caption_noise}: ALIGN's noisy pairs in {@code train}, deterministic, at the rate asked, nowhere else. */
class CaptionNoiseTest {

    private static final int N = 4000;

    private final ShapesDatasetFactory factory = new ShapesDatasetFactory();

    private static boolean namesLabel(String caption, String colour, String shape) {
        return caption.contains(colour) && caption.contains(shape);
    }

    @Test
    void aboutTheAskedFractionOfTrainCaptionsNameAnotherSeenLabelAndTheImageIsUntouched() {
        Map<String, Object> common = Map.of("seed", 5, "max_count", 3, "background", "noise", "text_probability", 0.3);
        Dataset clean = factory.open(common);
        Dataset noisy = factory.open(with(common, "caption_noise", 0.2));
        int replaced = 0;
        for (int i = 0; i < N; i++) {
            Example c = clean.split("train").get(i);
            Example n = noisy.split("train").get(i);
            // the image, its label and what it shows are those of the clean dataset
            assertThat(n.image().rgb()).isEqualTo(c.image().rgb());
            assertThat(n.label()).isEqualTo(c.label());
            String colour = c.attributes().get("colour");
            String shape = c.attributes().get("shape");
            if (n.attributes().containsKey(CaptionNoise.ATTRIBUTE)) {
                replaced++;
                assertThat(n.attributes()).containsEntry(CaptionNoise.ATTRIBUTE, "true");
                assertThat(n.captions()).isNotEqualTo(c.captions());
                for (String caption : n.captions()) {
                    // a wrong caption: it never names this image's colour-shape pair, nor a held-out one
                    assertThat(namesLabel(caption, colour, shape)).as(caption).isFalse();
                    assertThat(caption).doesNotContain("green triangle", "blue star", "red cross");
                    assertThat(caption).doesNotContain("green triangles", "blue stars", "red crosses");
                }
            } else {
                assertThat(n.captions()).isEqualTo(c.captions());
                assertThat(n.attributes()).isEqualTo(c.attributes());
            }
        }
        // binomial(4000, 0.2): standard deviation 25, so +-100 is four of them
        assertThat(replaced).isBetween(700, 900);
    }

    @Test
    void theSameSeedReplacesTheSameExamplesWithTheSameCaptionsAndAnotherSeedOthers() {
        Map<String, Object> options = Map.of("seed", 9, "caption_noise", 0.3);
        Dataset a = factory.open(options);
        Dataset b = factory.open(options);
        Dataset other = factory.open(Map.of("seed", 10, "caption_noise", 0.3));
        int same = 0;
        int noisyA = 0;
        for (int i = 0; i < 1000; i++) {
            // read b backwards: the choice depends on the index, not on the order of reads
            Example x = a.split("train").get(i);
            Example y = b.split("train").get(999 - i);
            Example y2 = b.split("train").get(i);
            assertThat(y2.captions()).isEqualTo(x.captions());
            assertThat(y2.attributes()).isEqualTo(x.attributes());
            assertThat(y.id()).isEqualTo("train/" + (999 - i));
            boolean xn = x.attributes().containsKey(CaptionNoise.ATTRIBUTE);
            boolean on = other.split("train").get(i).attributes().containsKey(CaptionNoise.ATTRIBUTE);
            noisyA += xn ? 1 : 0;
            same += xn && on ? 1 : 0;
        }
        assertThat(noisyA).isBetween(240, 360);
        // independent seeds: both replaced about 0.3 * 0.3 of the time, not every time a was
        assertThat(same).isLessThan(noisyA / 2);
    }

    @Test
    void evaluationSplitsAreNeverNoisy() {
        Dataset clean = factory.open(Map.of("seed", 2));
        Dataset noisy = factory.open(Map.of("seed", 2, "caption_noise", 1.0));
        for (String split : List.of("val", "test", "test-unseen", "gallery")) {
            for (int i = 0; i < 300; i++) {
                Example c = clean.split(split).get(i);
                Example n = noisy.split(split).get(i);
                assertThat(n.captions()).as(split + "/" + i).isEqualTo(c.captions());
                assertThat(n.attributes()).isEqualTo(c.attributes());
                assertThat(n.image().rgb()).isEqualTo(c.image().rgb());
            }
        }
        // at rate 1 every train caption is another image's
        for (int i = 0; i < 300; i++) {
            Example n = noisy.split("train").get(i);
            assertThat(n.captions().get(0))
                    .as("train/" + i)
                    .matches(c -> !namesLabel(
                            c, n.attributes().get("colour"), n.attributes().get("shape")));
        }
    }

    @Test
    void zeroNoiseIsTheDefaultAndRatesOutsideZeroToOneAreRefused() {
        Dataset plain = factory.open(Map.of("seed", 4));
        Dataset zero = factory.open(Map.of("seed", 4, "caption_noise", 0));
        for (int i = 0; i < 200; i++) {
            assertThat(zero.split("train").get(i).captions())
                    .isEqualTo(plain.split("train").get(i).captions());
            assertThat(zero.split("train").get(i).attributes()).doesNotContainKey(CaptionNoise.ATTRIBUTE);
        }
        assertThat(plain.describe()).containsEntry("caption_noise", 0.0);
        ShapesDatasetTest.assertBadConfigOf(() -> factory.open(Map.of("caption_noise", 1.5)), "caption_noise");
        ShapesDatasetTest.assertBadConfigOf(() -> factory.open(Map.of("caption_noise", "some")), "caption_noise");
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }
}
