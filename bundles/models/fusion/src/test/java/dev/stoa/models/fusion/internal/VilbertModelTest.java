package dev.stoa.models.fusion.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.losses.internal.MaskedMatchingLossFactory;
import dev.stoa.nn.heads.TokenMasking;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.loss.LossTerms;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VilbertModelTest {

    @Test
    void forwardGivesWordRegionAndMatchingLogitsAndTheLossTakesThemInItsOrder() {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        VilbertTrainable model = VilbertFactory.create("vilbert-test", FusionTestSupport.vilbertConfig(3));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = FusionTestSupport.shapes(3)) {
            model.initialize(m);
            List<Example> examples = VisualBertModelTest.examples(data, 6);
            NDList in = model.inputs(m, examples, new SplittableRandom(2));
            int c = PatchTargets.CLASSES;
            assertThat(in.getShapes())
                    .containsExactly(
                            new Shape(6, 10),
                            new Shape(6, 3, 32, 32),
                            new Shape(6, 10),
                            new Shape(6),
                            new Shape(6, 16, c));
            NDList out = model.block().forward(new ParameterStore(m, false), in, false);
            int v = model.tokens().vocabularySize();
            assertThat(out.getShapes())
                    .containsExactly(
                            new Shape(6, 10, v),
                            new Shape(6, 2),
                            new Shape(6, 16, c),
                            new Shape(6, 10),
                            new Shape(6),
                            new Shape(6, 16, c));
            NDList loss = model.lossInputs(out, examples, m);
            assertThat(loss.getShapes())
                    .containsExactly(
                            new Shape(6, 10, v),
                            new Shape(6, 2),
                            new Shape(6, 10),
                            new Shape(6),
                            new Shape(6, 16, c),
                            new Shape(6, 16, c));
            assertThat(loss.get(2).toLongArray()).isEqualTo(in.get(2).toLongArray());
            assertThat(loss.get(5).toFloatArray()).isEqualTo(in.get(4).toFloatArray());
            LossTerms terms = new MaskedMatchingLossFactory()
                    .create(Map.of("region_weight", 1.0))
                    .evaluate(new ParameterStore(m, false), loss, false);
            assertThat(terms.parts().keySet()).containsExactly("mlm_loss", "itm_loss", "region_loss");
            // an untrained model: each term near the log of its number of classes
            assertThat(terms.parts().get("itm_loss").getFloat()).isBetween(0.3f, 1.2f);
            assertThat(terms.parts().get("region_loss").getFloat()).isGreaterThan(0f);
            // inference reads [ids, image] only and answers [Z, S, R]
            NDList served =
                    model.block().forward(new ParameterStore(m, false), new NDList(in.get(0), in.get(1)), false);
            assertThat(served.getShapes()).containsExactly(new Shape(6, 10, v), new Shape(6, 2), new Shape(6, 16, c));
            assertThatThrownBy(() -> model.block()
                            .forward(
                                    new ParameterStore(m, false),
                                    new NDList(in.get(0), in.get(1).get(":, :, :16, :16")),
                                    false))
                    .hasMessageContaining("image (B, 3, 32, 32)");
        }
    }

    @Test
    void theLanguageStreamReadsTheImageOnlyThroughCoAttention() {
        // the words' logits change with the image (the co-attention layers carry it over); the text stream has no
        // other path to the pixels
        Engine.getEngine("PyTorch").setRandomSeed(4);
        VilbertTrainable model = VilbertFactory.create("vilbert-test", FusionTestSupport.vilbertConfig(3));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = FusionTestSupport.shapes(3)) {
            model.initialize(m);
            List<Example> examples = VisualBertModelTest.examples(data, 2);
            NDList in = model.inputs(m, examples, new SplittableRandom(2));
            ParameterStore ps = new ParameterStore(m, false);
            float[] a = model.block()
                    .forward(ps, new NDList(in.get(0), in.get(1)), false)
                    .get(0)
                    .toFloatArray();
            float[] b = model.block()
                    .forward(ps, new NDList(in.get(0), in.get(1).mul(-1)), false)
                    .get(0)
                    .toFloatArray();
            double difference = 0;
            for (int i = 0; i < a.length; i++) {
                difference = Math.max(difference, Math.abs(a[i] - b[i]));
            }
            assertThat(difference).isGreaterThan(1e-4);
        }
    }

    @Test
    void patchesAreMaskedInTheImagesOfMaskedModellingPairsOnlyWithTheirPixelsClassesAsTargets() {
        VilbertConfig config = FusionTestSupport.vilbertConfig(3);
        VilbertTrainable model = VilbertFactory.create("vilbert-test", config);
        int c = PatchTargets.CLASSES;
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = FusionTestSupport.shapes(3)) {
            List<Example> examples = VisualBertModelTest.examples(data, 64);
            NDList in = model.inputs(m, examples, new SplittableRandom(5));
            float[] original =
                    ImagePixels.pixels(examples.stream().map(Example::image).toList(), 32);
            float[] shown = in.get(1).toFloatArray();
            long[] aligned = in.get(3).toLongArray();
            float[] targets = in.get(4).toFloatArray();
            int masked = 0;
            int zeroed = 0;
            int coloured = 0;
            for (int b = 0; b < 64; b++) {
                for (int n = 0; n < 16; n++) {
                    double sum = 0;
                    for (int k = 0; k < c; k++) {
                        sum += targets[(b * 16 + n) * c + k];
                    }
                    boolean isMasked = sum > 0;
                    boolean pixelsKept = patchEquals(original, shown, b, n, false);
                    if (aligned[b] != TokenMasking.IGNORED) {
                        assertThat(isMasked)
                                .as("an alignment pair's image is not masked")
                                .isFalse();
                    }
                    if (!isMasked) {
                        assertThat(pixelsKept)
                                .as("an unmasked patch keeps its pixels")
                                .isTrue();
                        continue;
                    }
                    masked++;
                    assertThat(sum).isCloseTo(1.0, within(1e-4));
                    float[] expected = PatchTargets.distribution(original, b, 32, 8, n);
                    for (int k = 0; k < c; k++) {
                        assertThat(targets[(b * 16 + n) * c + k]).isCloseTo(expected[k], within(1e-6f));
                    }
                    coloured += expected[0] < 0.99f ? 1 : 0;
                    if (!pixelsKept) {
                        assertThat(patchEquals(original, shown, b, n, true))
                                .as("a masked patch is zeroed")
                                .isTrue();
                        zeroed++;
                    }
                }
            }
            // 15% of 16 patches in about half of 64 images: about 77 masked, 90% of them zeroed
            assertThat(masked).isBetween(40, 120);
            assertThat(zeroed).isGreaterThan(masked * 3 / 4).isLessThan(masked);
            assertThat(coloured).as("some masked patches hold a shape").isGreaterThan(5);
        }
    }

    @Test
    void everyPixelCountsForItsNearestPaletteColour() {
        assertThat(PatchTargets.nearest(255, 255, 255)).isZero();
        assertThat(PatchTargets.nearest(0xDC, 0x1E, 0x1E)).isEqualTo(1);
        assertThat(PatchTargets.nearest(250, 120, 20)).isEqualTo(6);
        assertThat(PatchTargets.nearest(20, 20, 20)).isEqualTo(7);
        float[] white = ImagePixels.pixels(List.of(ImagePixels.blank(32)), 32);
        float[] d = PatchTargets.distribution(white, 0, 32, 8, 5);
        assertThat(d[0]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void badVariantKeysAreNamed() {
        Properties p = FusionTestSupport.vilbertConfig(3).toProperties();
        p.setProperty("image_heads", "5");
        assertThatThrownBy(() -> VilbertConfig.read("x", p, "variants/vilbert-x.properties"))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining(
                        "variants/vilbert-x.properties.image_heads is '5'; use a divisor of image_width 24");
        Properties q = FusionTestSupport.vilbertConfig(3).toProperties();
        q.setProperty("layers", "3");
        assertThatThrownBy(() -> VilbertConfig.read("x", q, "model"))
                .hasMessageContaining("model.layers is not an option of ViLBERT");
        Properties r = FusionTestSupport.vilbertConfig(3).toProperties();
        r.setProperty("co_layers", "0");
        assertThatThrownBy(() -> VilbertConfig.read("x", r, "model")).hasMessageContaining("model.co_layers is '0'");
        assertThatThrownBy(() -> VilbertFactory.create("visualbert-x", FusionTestSupport.vilbertConfig(3)))
                .hasMessageContaining("model.model_id");
    }

    /** @return whether patch n of image b is the same in both (or, with zero, all zeros in the second) */
    private static boolean patchEquals(float[] original, float[] shown, int b, int n, boolean zero) {
        int plane = 32 * 32;
        int top = 8 * (n / 4);
        int left = 8 * (n % 4);
        for (int ch = 0; ch < 3; ch++) {
            for (int y = top; y < top + 8; y++) {
                for (int x = left; x < left + 8; x++) {
                    int i = b * 3 * plane + ch * plane + y * 32 + x;
                    if (zero ? shown[i] != 0f : shown[i] != original[i]) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
